#!/usr/bin/env node
// Signs a Sinetti installer with the organisation's Ed25519 update key, on IT's build host:
//
//   node scripts/sign-update.mjs <installer> <version> <org-update-private-key.pem>
//
// writes <installer>.sig next to it; publish both on the update server (docs/deployment.md).
// The app checks it with main/electron/updates/update-signature.ts (same statement, same format).
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import process from 'node:process';

const [file, version, keyFile] = process.argv.slice(2);
if (!file || !version || !keyFile) {
  process.stderr.write('usage: node scripts/sign-update.mjs <installer> <version> <org-update-private-key.pem>\n');
  process.exit(2);
}
const key = createPrivateKey(readFileSync(keyFile));
if (key.asymmetricKeyType !== 'ed25519') {
  process.stderr.write('the update key must be Ed25519 (openssl genpkey -algorithm ed25519)\n');
  process.exit(2);
}
const hash = createHash('sha512');
for await (const chunk of createReadStream(file)) hash.update(chunk);
const sha512 = hash.digest('hex');
const format = 'sinetti-update-signature-v1';
const name = basename(file);
const statement = Buffer.from(`${format}\nfile=${name}\nversion=${version}\nsha512=${sha512}\n`, 'utf8');
const signature = sign(null, statement, key).toString('base64');
writeFileSync(`${file}.sig`, JSON.stringify({ format, file: name, version, sha512, signature }, null, 2) + '\n');
process.stdout.write(`${file}.sig written\n`);
