/**
 * Trust boundary: drafts at rest on this workstation. Invariants: each draft is one file sealed
 * with the SecretStore (AES-256-GCM under the vault key in the OS keychain), bound to its draft id
 * so one file cannot be swapped for another; written atomically with mode 0600; nothing about a
 * draft — not even its recipients or subject — is readable on disk. The file also remembers which
 * server copy (account, folder, UID) belongs to it, so the next save can replace that copy.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { draftContentSchema, draftIdSchema } from '../../../shared/draft-schema.js';
import { ServiceError } from '../../../shared/result.js';
import type { SecretStore } from '../secrets/secret-store.js';
import type { DraftRecord } from './draft-mime.js';

/** Where the draft's server copy is, and which version (savedAt) of the draft it holds. */
const serverCopySchema = z.object({
  accountId: z.string(),
  path: z.string(),
  uidValidity: z.string(),
  uids: z.array(z.number().int().positive()),
  savedAt: z.number(),
});
export type ServerCopy = z.infer<typeof serverCopySchema>;

const storedSchema = z.object({
  v: z.literal(1),
  // messageId: drafts saved before main minted Message-IDs carry the renderer's; it is dropped.
  draft: draftContentSchema.extend({ savedAt: z.number(), messageId: z.string().optional() }),
  server: serverCopySchema.nullable(),
});

export interface LocalDraft {
  draft: DraftRecord;
  /** The server copies known to belong to this draft (normally one; more after an interrupted save). */
  server: ServerCopy | null;
}

export class LocalDrafts {
  constructor(
    private readonly dir: string,
    private readonly secrets: SecretStore,
  ) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  async write(entry: LocalDraft): Promise<void> {
    const id = this.checkedId(entry.draft.draftId);
    const sealed = await this.secrets.seal(sealName(id), Buffer.from(JSON.stringify({ v: 1, draft: entry.draft, server: entry.server })));
    const path = join(this.dir, `${id}.sealed`);
    const temp = `${path}.${process.pid}.tmp`;
    writeFileSync(temp, sealed, { mode: 0o600 });
    renameSync(temp, path);
  }

  async read(draftId: string): Promise<LocalDraft | null> {
    const id = this.checkedId(draftId);
    let sealed: Buffer;
    try {
      sealed = readFileSync(join(this.dir, `${id}.sealed`));
    } catch {
      return null;
    }
    const parsed = storedSchema.safeParse(JSON.parse((await this.secrets.open(sealName(id), sealed)).toString('utf8')));
    if (!parsed.success || parsed.data.draft.draftId !== id)
      throw new ServiceError('SECRET_CORRUPT', `A local draft is damaged (${id}); it was left untouched.`);
    const { messageId: _legacy, ...draft } = parsed.data.draft;
    return { draft, server: parsed.data.server };
  }

  async all(): Promise<LocalDraft[]> {
    const out: LocalDraft[] = [];
    for (const name of readdirSync(this.dir).filter((n) => n.endsWith('.sealed'))) {
      const id = name.slice(0, -'.sealed'.length);
      if (!draftIdSchema.safeParse(id).success) continue;
      const entry = await this.read(id);
      if (entry) out.push(entry);
    }
    return out;
  }

  remove(draftId: string): void {
    rmSync(join(this.dir, `${this.checkedId(draftId)}.sealed`), { force: true });
  }

  /** A draft id becomes a file name: only a UUID, never a path. */
  private checkedId(draftId: string): string {
    const parsed = draftIdSchema.safeParse(draftId);
    if (!parsed.success) throw new ServiceError('VALIDATION', 'Not a draft id.');
    return parsed.data.toLowerCase();
  }
}

const sealName = (id: string) => `draft:${id}`;
