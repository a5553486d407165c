/** The identity-code validator on its own: the rules one by one, with the agency's example codes. */
import { describe, expect, it } from 'vitest';
import { checkHetu, HETU_CANDIDATE, hetuCheckCharacter, maskHetu } from '../../../main/services/policy/detectors/hetu.js';

describe('checkHetu', () => {
  it('accepts the documented example and every century sign, in either case', () => {
    expect(checkHetu('131052-308T')).toMatchObject({ valid: true, temporary: false, birthDate: { year: 1952, month: 10, day: 13 } });
    expect(checkHetu('131052-308t').valid).toBe(true);
    for (const sign of ['-', 'Y', 'X', 'W', 'V', 'U']) expect(checkHetu(`131052${sign}308T`)).toMatchObject({ valid: true, birthDate: { year: 1952 } });
    for (const sign of ['A', 'B', 'C', 'D', 'E', 'F', 'b', 'f'])
      expect(checkHetu(`131002${sign}308${hetuCheckCharacter('131002A308')}`)).toMatchObject({ valid: true, birthDate: { year: 2002 } });
    expect(checkHetu(`010199+123${hetuCheckCharacter('010199+123')}`)).toMatchObject({ valid: true, birthDate: { year: 1899 } });
  });

  it('names what is wrong: check character, date, century sign, individual number, format', () => {
    expect(checkHetu('131052-308U')).toMatchObject({ valid: false, problem: 'check-character' });
    expect(checkHetu(`310252-308${hetuCheckCharacter('310252-308')}`)).toMatchObject({ valid: false, problem: 'date' });
    expect(checkHetu(`290201A308${hetuCheckCharacter('290201A308')}`)).toMatchObject({ valid: false, problem: 'date' });
    expect(checkHetu(`290200A308${hetuCheckCharacter('290200A308')}`).valid).toBe(true);
    expect(checkHetu('131052G308T')).toMatchObject({ valid: false, problem: 'century' });
    expect(checkHetu(`131052-001${hetuCheckCharacter('131052-001')}`)).toMatchObject({ valid: false, problem: 'individual-number' });
    expect(checkHetu('13105-308T')).toMatchObject({ valid: false, problem: 'format' });
  });

  it('recognises temporary and test codes (900–999) with the same check', () => {
    expect(checkHetu(`010594Y903${hetuCheckCharacter('010594Y903')}`)).toMatchObject({ valid: true, temporary: true });
  });

  it('finds candidates only as whole tokens, and masks them', () => {
    const text = 'Hetu: 131052-308T, toinen (131052a308t). Ei: X131052-308T eikä 131052-308T9.';
    expect([...text.matchAll(HETU_CANDIDATE)].map((m) => m[1])).toEqual(['131052-308T', '131052a308t']);
    expect(maskHetu('131052-308T')).toBe('131052-****');
  });
});
