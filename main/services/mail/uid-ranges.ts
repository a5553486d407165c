/** Compact IMAP sequence-set strings ("1:5,7,9:12") from UID lists, so a window is one short command. */
export function toUidRange(uids: readonly number[]): string {
  if (uids.length === 0) throw new Error('empty UID set');
  const sorted = [...uids].sort((a, b) => a - b);
  const parts: string[] = [];
  let start = sorted[0]!;
  let prev = start;
  for (let i = 1; i <= sorted.length; i++) {
    const uid = sorted[i];
    if (uid === prev + 1 || uid === prev) {
      prev = uid;
      continue;
    }
    parts.push(start === prev ? String(start) : `${start}:${prev}`);
    if (uid === undefined) break;
    start = uid;
    prev = uid;
  }
  return parts.join(',');
}

/** Removes values of `remove` from the ascending array `sorted`, returning a new array. */
export function withoutUids(sorted: readonly number[], remove: ReadonlySet<number>): number[] {
  return sorted.filter((uid) => !remove.has(uid));
}

/**
 * "1:3,7,9:10" → [1, 2, 3, 7, 9, 10], ascending and without duplicates. The set comes from the
 * server: parts that are not valid UIDs are skipped, and expansion stops at `limit` numbers (the
 * mailbox's EXISTS count) so a hostile range cannot exhaust memory.
 */
export function expandUidSet(set: string, limit: number): number[] {
  const out: number[] = [];
  for (const raw of set.split(',')) {
    const part = raw.trim();
    if (!part) continue;
    const [a, b = a] = part.split(':');
    const first = Number(a);
    const last = Number(b);
    if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 1 || last < 1) continue;
    for (let uid = Math.min(first, last); uid <= Math.max(first, last) && out.length < limit; uid++) out.push(uid);
    if (out.length >= limit) break;
  }
  out.sort((x, y) => x - y);
  return out.filter((uid, i) => i === 0 || uid !== out[i - 1]);
}
