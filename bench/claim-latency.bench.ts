/**
 * `npm run bench`: claim latency on both server profiles (Dovecot with CONDSTORE keywords, and the
 * Exchange-like proxy with the journal folder): from one member's claim request to a second
 * member's client having heard of it through IDLE and read the new handler. Median and 95th
 * percentile over ROUNDS claims. Target: visible to others within 1 s at the 95th percentile.
 */
import { performance } from 'node:perf_hooks';
import { startClaimsEnv, type Profile } from '../test/support/team-claims-env.js';
import { median } from './stats.js';

const ROUNDS = Number(process.env.SINETTI_BENCH_CLAIMS ?? 100);

function p95(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)]!;
}

const env = await startClaimsEnv('sinetti-bench-claims-');
try {
  for (const profile of ['dovecot', 'exchange-like'] as Profile[]) {
    const claimer = env.member('anna', profile);
    const watcher = env.member('ben', profile);
    let wake: (() => void) | null = null;
    const stop = watcher.backend.watch(watcher.team, () => wake?.());
    await new Promise((r) => setTimeout(r, 500)); // the watcher selects its folder and IDLEs
    const uids = await env.seed(ROUNDS);
    await claimer.backend.mechanism(claimer.team);
    const claimMs: number[] = [];
    const visibleMs: number[] = [];
    for (const uid of uids) {
      const heard = new Promise<void>((resolve) => (wake = resolve));
      const start = performance.now();
      await claimer.backend.change(claimer.team, uid, { action: 'claim', by: claimer.id });
      claimMs.push(performance.now() - start);
      await Promise.race([heard, new Promise((r) => setTimeout(r, 10_000))]);
      const [item] = await watcher.backend.items(watcher.team, [uid]);
      if (item?.handler?.memberId !== claimer.id) throw new Error(`message ${uid}: the second client did not see the claim`);
      visibleMs.push(performance.now() - start);
    }
    await stop();
    await Promise.all([claimer.backend.close(), watcher.backend.close()]);
    const fmt = (v: number) => `${v.toFixed(1)} ms`;
    console.log(
      `claim latency (${profile}, ${ROUNDS} claims): claimed median ${fmt(median(claimMs))}, p95 ${fmt(p95(claimMs))}; visible to a second client (IDLE + read) median ${fmt(median(visibleMs))}, p95 ${fmt(p95(visibleMs))}`,
    );
  }
} finally {
  await env.stop();
}
