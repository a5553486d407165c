/**
 * The JSON Schema IT validates policy files against in their editors and pipelines, generated
 * from the same zod definitions the app enforces, so the two cannot drift apart.
 */
import { z } from 'zod';
import { policyLayerSchema } from '../../../shared/policy-schema.js';

export function policyJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(policyLayerSchema, { target: 'draft-2020-12', io: 'input' }),
    $id: 'https://sinetti.example/schemas/sinetti-policy-1.schema.json',
    title: 'Sinetti secure-send policy (a managed policy file or the user preferences layer)',
  };
}
