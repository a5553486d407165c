/**
 * Notes in the team's handling state (a take-over reason) are sealed to the team's current key,
 * so the server operator who can read the team state folder reads identifiers only. Fails closed:
 * without a team key there is no note, and no take-over with a reason.
 */
import { createMessage, decrypt, encrypt, readMessage } from 'openpgp';
import { ServiceError } from '../../../shared/result.js';
import type { TeamNoteSealer } from '../team/team-work-service.js';
import type { TeamRef } from '../team/team-ref.js';
import { OPENPGP_CONFIG } from './openpgp-policy.js';
import type { TeamKeyStore } from './team-key-store.js';

export function teamNoteSealer(store: Pick<TeamKeyStore, 'current' | 'generations'>): TeamNoteSealer {
  return {
    async seal(ref: TeamRef, text: string): Promise<string> {
      const current = await store.current(ref);
      if (!current) throw new ServiceError('NOT_FOUND', "A reason is kept encrypted to the team's key, and you hold none of this team yet.");
      return (await encrypt({
        message: await createMessage({ text }),
        encryptionKeys: current.key.toPublic(),
        format: 'armored',
        config: OPENPGP_CONFIG,
      })) as string;
    },
    async open(ref: TeamRef, sealed: string): Promise<string | null> {
      const keys = (await store.generations(ref)).map((g) => g.key);
      if (!keys.length) return null;
      try {
        const { data } = await decrypt({ message: await readMessage({ armoredMessage: sealed }), decryptionKeys: keys, config: OPENPGP_CONFIG });
        return String(data).slice(0, 2000);
      } catch {
        return null;
      }
    },
  };
}
