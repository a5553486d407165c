// Writes resources/policy/sinetti-policy.schema.json from the zod definitions (`npm run policy:schema`).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { policyJsonSchema } from '../main/services/policy/policy-json-schema.js';

const target = join(import.meta.dirname, '..', 'resources', 'policy', 'sinetti-policy.schema.json');
writeFileSync(target, `${JSON.stringify(policyJsonSchema(), null, 2)}\n`);
console.log(`wrote ${target}`);
