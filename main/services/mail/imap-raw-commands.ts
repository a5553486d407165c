/**
 * The one typed place for IMAP commands imapflow does not wrap: MYRIGHTS, GETACL/SETACL (RFC 4314),
 * GETMETADATA (RFC 5464) and the conditional STORE of CONDSTORE (RFC 7162), whose `[MODIFIED]`
 * answer imapflow's own `messageFlagsAdd` hides (it resolves `true` either way).
 *
 * Every command runs through imapflow's `exec`, which keeps its parser and queue; the response
 * must be released with `next()`, or the connection's reader stays parked and every later command
 * hangs. Nothing here logs arguments or responses (they can name mailboxes and members).
 */
import type { ImapFlow } from 'imapflow';

type Attribute = { type: string; value: string } | Attribute[];
type Untagged = { attributes?: { value?: unknown; section?: { value?: unknown }[] }[] };
interface ExecResponse {
  next: () => void;
  response?: { attributes?: { section?: { value?: unknown }[] }[] };
}
type Exec = (command: string, attributes: Attribute[], options?: { untagged?: Record<string, (untagged: Untagged) => Promise<void>> }) => Promise<ExecResponse>;

const str = (value: string): Attribute => ({ type: 'STRING', value });
const atom = (value: string): Attribute => ({ type: 'ATOM', value });

async function exec(
  client: ImapFlow,
  command: string,
  attributes: Attribute[],
  untagged: Record<string, (u: Untagged) => Promise<void>> = {},
): Promise<ExecResponse> {
  const run = (client as unknown as { exec: Exec }).exec;
  const response = await run.call(client, command, attributes, { untagged });
  response.next();
  return response;
}

const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString('utf8') : undefined);

/** The rights the server grants this login on a mailbox (RFC 4314 MYRIGHTS), or undefined when it will not say. */
export async function myRights(client: ImapFlow, path: string): Promise<string | undefined> {
  if (!client.capabilities.has('ACL')) return undefined;
  let rights: string | undefined;
  try {
    await exec(client, 'MYRIGHTS', [str(path)], {
      MYRIGHTS: async (untagged) => {
        rights = text(untagged.attributes?.[1]?.value);
      },
    });
  } catch {
    return undefined;
  }
  return rights;
}

/**
 * Several METADATA entries of a mailbox in one command (RFC 5464). Entries the server does not
 * have, or a server without METADATA, give an empty map: metadata only ever adds to what is shown.
 */
export async function getMetadata(client: ImapFlow, path: string, entries: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (!entries.length || !client.capabilities.has('METADATA')) return found;
  try {
    await exec(client, 'GETMETADATA', [str(path), entries.map(atom)], {
      METADATA: async (untagged) => {
        const pairs = untagged.attributes?.[1] as unknown as { value?: unknown }[] | undefined;
        if (!Array.isArray(pairs)) return;
        for (let i = 0; i + 1 < pairs.length; i += 2) {
          const key = text(pairs[i]?.value);
          const value = text(pairs[i + 1]?.value)?.trim();
          if (key && value) found.set(key.toLowerCase(), value);
        }
      },
    });
  } catch {
    return new Map();
  }
  return found;
}

/** The ACL of a mailbox: identifier → rights (RFC 4314 GETACL). */
export async function getAcl(client: ImapFlow, path: string): Promise<Map<string, string>> {
  const acl = new Map<string, string>();
  await exec(client, 'GETACL', [str(path)], {
    ACL: async (untagged) => {
      const values = (untagged.attributes ?? []).slice(1).map((a) => text(a?.value) ?? '');
      for (let i = 0; i + 1 < values.length; i += 2) acl.set(values[i]!, values[i + 1]!);
    },
  });
  return acl;
}

export async function setAcl(client: ImapFlow, path: string, identifier: string, rights: string): Promise<void> {
  await exec(client, 'SETACL', [str(path), str(identifier), str(rights)]);
}

/** The outcome of a conditional STORE: applied, or refused because the message changed since `unchangedSince`. */
export type ConditionalStoreResult = 'stored' | 'modified';

/**
 * `UID STORE <uid> (UNCHANGEDSINCE <modseq>) FLAGS.SILENT (<flags>)`: replaces the message's flags
 * only if nobody changed the message since `unchangedSince` (RFC 7162 §3.1.3). The selected
 * mailbox must be opened with CONDSTORE enabled. `[MODIFIED]` in the tagged answer — or an
 * untagged FETCH telling the message's flags changed under us — means the store was not applied.
 * A server that refuses a flag (e.g. a custom keyword on a server without `\*`) answers BAD/NO,
 * which rejects.
 */
export async function conditionalStoreFlags(client: ImapFlow, uid: number, flags: readonly string[], unchangedSince: bigint): Promise<ConditionalStoreResult> {
  const response = await exec(client, 'UID STORE', [
    atom(String(uid)),
    [atom('UNCHANGEDSINCE'), atom(unchangedSince.toString())],
    atom('FLAGS.SILENT'),
    flags.map(atom),
  ]);
  const section = response.response?.attributes?.[0]?.section;
  const code = Array.isArray(section) ? text(section[0]?.value)?.toUpperCase() : undefined;
  return code === 'MODIFIED' ? 'modified' : 'stored';
}
