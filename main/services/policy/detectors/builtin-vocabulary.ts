/**
 * The built-in vocabulary (resources/vocabularies/sensitive-terms.json, bundled into the app),
 * validated when loaded: a broken data file is an error at start-up, never a detector that
 * silently matches nothing.
 */
import { z } from 'zod';
import builtin from '../../../../resources/vocabularies/sensitive-terms.json' with { type: 'json' };
import { vocabularyCategorySchema, VocabularyMatcher, type VocabularyCategory } from './vocabulary.js';
import type { TextDetectors } from './scan-text.js';

const keywordsSchema = z.object({ fi: z.array(z.string()), sv: z.array(z.string()), en: z.array(z.string()) }).strict();

export const vocabularyFileSchema = z
  .object({
    $comment: z.string().optional(),
    version: z.literal(1),
    categories: z.array(vocabularyCategorySchema),
    identityKeywords: keywordsSchema,
    healthKeywords: keywordsSchema,
    clientContext: keywordsSchema,
  })
  .strict();
export type VocabularyFile = z.output<typeof vocabularyFileSchema>;

export function loadBuiltinVocabulary(): VocabularyFile {
  return vocabularyFileSchema.parse(builtin);
}

/** Detectors from a vocabulary file plus the categories an organisation's policy adds. */
export function textDetectors(file: VocabularyFile, added: VocabularyCategory[] = []): TextDetectors {
  const keywords = (id: string, k: z.output<typeof keywordsSchema>) => new VocabularyMatcher([{ id, terms: [{ id, ...k, compound: false }] }]);
  const merged = new Map(file.categories.map((c) => [c.id, { ...c, terms: [...c.terms] }]));
  for (const category of added) {
    const existing = merged.get(category.id);
    if (existing) existing.terms.push(...category.terms);
    else merged.set(category.id, { ...category, terms: [...category.terms] });
  }
  return {
    vocabulary: new VocabularyMatcher([...merged.values()]),
    identityKeywords: keywords('identity', file.identityKeywords),
    healthKeywords: keywords('health', file.healthKeywords),
    clientContext: keywords('client-context', file.clientContext),
    contextualCategories: new Set([...merged.values()].filter((c) => c.contextual).map((c) => c.id)),
  };
}
