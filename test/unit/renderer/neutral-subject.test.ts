import { describe, expect, it } from 'vitest';
import { neutralSubject } from '../../../renderer/compose/ComposeDialog.js';

describe('neutralSubject', () => {
  it('keeps the reply and forward prefixes and replaces what names the case', () => {
    expect(neutralSubject('Re: Toimeentulotukihakemukseni 131052-308T', 'Yhteydenotto')).toBe('Re: Yhteydenotto');
    expect(neutralSubject('VS: SV: Päätös', 'Yhteydenotto')).toBe('VS: SV: Yhteydenotto');
    expect(neutralSubject('Fwd: Lausunto', 'Message')).toBe('Fwd: Message');
    expect(neutralSubject('Asiakas 131052-308T', 'Kontakt')).toBe('Kontakt');
  });
});
