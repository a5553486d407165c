/**
 * Where outbox files that cannot be read go: moved aside under `quarantine/`, never deleted and
 * never sent, so one damaged entry neither stops the app from starting nor loses the bytes
 * (support may still recover them with the right vault key). Only the person's explicit
 * "remove" deletes them. A small note beside them records why (an error code and when), never
 * content.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';

const noteSchema = z.object({ code: z.string().max(64), at: z.number() });

export interface DamagedEntry {
  id: string;
  /** Why it was set aside: an error code (SECRET_CORRUPT, …), never content. */
  code: string;
  at: number;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class OutboxQuarantine {
  readonly dir: string;

  constructor(outboxDir: string) {
    this.dir = join(outboxDir, 'quarantine');
  }

  /** Moves every file of `name` (`<id>.meta`, `<id>.sealed`, or one `after-….sealed`) aside. */
  put(outboxDir: string, files: string[], noteName: string, code: string, at: number): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 });
    for (const file of files) {
      const from = join(outboxDir, file);
      if (existsSync(from)) renameSync(from, join(this.dir, file));
    }
    writeFileSync(join(this.dir, `${noteName}.note.json`), JSON.stringify({ code, at }), { mode: 0o600 });
  }

  /** The quarantined copies the person should hear about (one per queued copy). */
  list(): DamagedEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.dir);
    } catch {
      return [];
    }
    const entries: DamagedEntry[] = [];
    for (const name of names) {
      if (!name.endsWith('.note.json')) continue;
      const id = name.slice(0, -'.note.json'.length);
      if (!UUID.test(id)) continue;
      let note: { code: string; at: number } = { code: 'SECRET_CORRUPT', at: 0 };
      try {
        note = noteSchema.parse(JSON.parse(readFileSync(join(this.dir, name), 'utf8')));
      } catch {
        // The note itself is only a hint: the entry is still reported.
      }
      entries.push({ id, ...note });
    }
    return entries.sort((a, b) => a.at - b.at);
  }

  has(id: string): boolean {
    return UUID.test(id) && existsSync(join(this.dir, `${id}.note.json`));
  }

  /** The person chose to remove a damaged copy: only then are its bytes deleted. */
  remove(id: string): void {
    for (const suffix of ['.meta', '.sealed', '.note.json']) rmSync(join(this.dir, `${id}${suffix}`), { force: true });
  }
}
