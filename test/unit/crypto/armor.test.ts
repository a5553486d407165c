/** Sinetti's own armor writer: the same bytes out of openpgp.js's reader, the same CRC-24 as openpgp.js writes. */
import { armor, enums, readMessage } from 'openpgp';
import { describe, expect, it } from 'vitest';
import { armorMessage, crc24 } from '../../../main/services/crypto/message-crypto.js';

describe('armorMessage', () => {
  it('writes RFC 4880 armor with the checksum openpgp.js computes', () => {
    for (const size of [0, 1, 2, 3, 47, 48, 49, 1000, 100_003]) {
      const data = Uint8Array.from({ length: size }, (_, i) => (i * 31 + 7) & 0xff);
      const ours = armorMessage(data);
      const theirs = (armor as (type: enums.armor, body: Uint8Array, part?: number, total?: number, comment?: string, emitChecksum?: boolean) => string)(
        enums.armor.message,
        data,
        undefined,
        undefined,
        undefined,
        true,
      );
      const checksum = (text: string) => text.split('\n').find((line) => /^=[A-Za-z0-9+/]{4}$/.test(line));
      expect(checksum(ours), `size ${size}`).toBe(checksum(theirs));
      expect(ours.split('\n').every((line) => line.length <= 64)).toBe(true);
    }
    expect(crc24(new Uint8Array(0))).toBe(0xb704ce);
  });

  it('openpgp.js reads it back: a real encrypted, signed message decrypts and verifies', async () => {
    const { createMessage, decrypt, encrypt, generateKey } = await import('openpgp');
    const { privateKey, publicKey } = await generateKey({ userIDs: [{ email: 'a@kunta.example' }], type: 'ecc', curve: 'curve25519Legacy', format: 'object' });
    const binary = (await encrypt({
      message: await createMessage({ text: 'Hei' }),
      encryptionKeys: publicKey,
      signingKeys: privateKey,
      format: 'binary',
    })) as Uint8Array;
    const parsed = await readMessage({ armoredMessage: armorMessage(binary) });
    const { data, signatures } = await decrypt({ message: parsed, decryptionKeys: privateKey, verificationKeys: publicKey, expectSigned: true });
    expect(data).toBe('Hei');
    await expect(signatures[0]!.verified).resolves.toBe(true);
  });
});
