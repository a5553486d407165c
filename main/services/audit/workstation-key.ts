/**
 * The workstation's signing key for checkpoints: Ed25519, made on first use, its private half
 * sealed in the SecretStore under the vault key (so it is as safe as the account passwords and
 * never on disk in the clear). The public half is written beside the trail for the `verify`
 * command and shipped with every checkpoint's fingerprint; the organisation keeps its own copy.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { SecretStore } from '../secrets/secret-store.js';

const SECRET_NAME = 'audit-workstation-key';

export interface WorkstationKey {
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicPem: string;
}

export async function loadWorkstationKey(secrets: Pick<SecretStore, 'get' | 'set'>, publicKeyFile: string): Promise<WorkstationKey> {
  let pem = await secrets.get(SECRET_NAME);
  if (pem === null) {
    const { privateKey } = generateKeyPairSync('ed25519');
    pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await secrets.set(SECRET_NAME, pem);
  }
  const privateKey = createPrivateKey(pem);
  const publicKey = createPublicKey(privateKey);
  const publicPem = publicKey.export({ type: 'spki', format: 'pem' }).toString();
  writeFileSync(publicKeyFile, publicPem, { mode: 0o644 });
  return { privateKey, publicKey, publicPem };
}
