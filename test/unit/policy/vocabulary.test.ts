/** The built-in vocabulary matches inflected and compound Finnish, Swedish and English, and not look-alikes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { vocabularyCategorySchema, VocabularyMatcher } from '../../../main/services/policy/detectors/vocabulary.js';

const data = JSON.parse(readFileSync(join(import.meta.dirname, '../../../resources/vocabularies/sensitive-terms.json'), 'utf8')) as { categories: unknown[] };
const matcher = new VocabularyMatcher(data.categories.map((c) => vocabularyCategorySchema.parse(c)));
const terms = (text: string) => matcher.match(text).map((m) => `${m.category}/${m.term}:${m.text}`);

describe('built-in vocabulary', () => {
  it('matches Finnish inflections and compounds', () => {
    expect(terms('Teimme lastensuojeluilmoituksen eilen.')).toEqual(['social-services/child-protection:lastensuojeluilmoituksen']);
    expect(terms('Asia on lastensuojelussa.')).toEqual(['social-services/child-protection:lastensuojelussa']);
    expect(terms('Toimeentulotukipäätös liitteenä')).toEqual(expect.arrayContaining(['social-services/income-support:Toimeentulotukipäätös']));
    expect(terms('Päätöksen perustelut')).toEqual(['document-type/decision:Päätöksen']);
    expect(terms('Mielenterveyspalveluihin ohjattu')).toEqual(['social-services/mental-health:Mielenterveyspalveluihin']);
  });

  it('matches Swedish and English with their endings and compounds', () => {
    expect(terms('Beslutet om utkomststöd')).toEqual(['document-type/decision:Beslutet', 'social-services/income-support:utkomststöd']);
    expect(terms('Barnskyddsanmälan gjordes')).toEqual(['social-services/child-protection:Barnskyddsanmälan']);
    expect(terms('Two complaints and a child protection referral')).toEqual([
      'document-type/objection:complaints',
      'social-services/child-protection:child protection',
      'health/patient-record:referral',
    ]);
  });

  it('does not match look-alikes', () => {
    expect(terms('Lähetetty eilen, valitut henkilöt, muistiinpanot ja memory stick.')).toEqual([]);
    expect(terms('Kokous on huomenna kello 10, tervetuloa.')).toEqual([]);
  });

  it('matches text typed without diacritics, and common misspellings', () => {
    expect(terms('asiakkaan paihdeongelma')).toEqual(['social-services/substance-abuse:paihdeongelma']);
    expect(terms('Toimentulotukea haettu')).toEqual(['social-services/income-support:Toimentulotukea']);
    expect(terms('Lastesuojeluilmoitus tehty')).toEqual(['social-services/child-protection:Lastesuojeluilmoitus']);
    expect(terms('mielenterveyspalvelut')).toEqual(terms('mielenterveyspalvelut'.normalize('NFD')));
  });

  it('knows the field: psychosis, substitution treatment, emergency placement, Swedish and English terms', () => {
    expect(terms('Epäily psykoosista')).toEqual(['social-services/mental-health:psykoosista']);
    expect(terms('Korvaushoidon aloitus')).toEqual(['social-services/substance-abuse:Korvaushoidon']);
    expect(terms('Tehtiin kiireellinen sijoitus eilen.')).toEqual(['social-services/child-protection:kiireellinen sijoitus']);
    expect(terms('Ilmoitus sosiaalihuollon tarpeesta')).toContain('social-services/child-protection:Ilmoitus sosiaalihuollon tarpeesta');
    expect(terms('Hon har psykisk ohälsa.')).toEqual(['social-services/mental-health:psykisk ohälsa']);
    expect(terms('A care order was made.')).toEqual(['social-services/child-protection:care order']);
  });

  it('a recipe is not a prescription', () => {
    expect(terms('Tässä reseptit joulutorttuihin ja kakkuresepti.')).toEqual([]);
    expect(terms('Lääkeresepti uusittu')).toEqual(['health/medication:Lääkeresepti']);
  });
});
