/** Business IDs and Finnish IBANs: valid ones pass, one changed digit fails. */
import { describe, expect, it } from 'vitest';
import {
  BUSINESS_ID_CANDIDATE,
  IBAN_CANDIDATE,
  isValidBusinessId,
  isValidFinnishIban,
  maskBusinessId,
  maskIban,
} from '../../../main/services/policy/detectors/identifiers.js';

describe('business ID (Y-tunnus)', () => {
  it('validates the mod-11 check digit', () => {
    // Published IDs: Kela 0246246-0, Helsingin kaupunki 0201256-6, Nokia Oyj 0112038-9.
    for (const id of ['0246246-0', '0201256-6', '0112038-9']) expect(isValidBusinessId(id)).toBe(true);
    for (const id of ['0246246-1', '0201256-5', '112038-9', '0112038-99']) expect(isValidBusinessId(id)).toBe(false);
  });
  it('finds whole tokens and masks them', () => {
    expect([...'Y-tunnus 0201256-6, ei 10201256-6'.matchAll(BUSINESS_ID_CANDIDATE)].map((m) => m[1])).toEqual(['0201256-6']);
    expect(maskBusinessId('0201256-6')).toBe('020****-*');
  });
});

describe('Finnish IBAN', () => {
  it('validates mod-97, with or without spaces', () => {
    expect(isValidFinnishIban('FI21 1234 5600 0007 85')).toBe(true);
    expect(isValidFinnishIban('FI2112345600000785')).toBe(true);
    expect(isValidFinnishIban('FI21 1234 5600 0007 86')).toBe(false);
    expect(isValidFinnishIban('SE45 5000 0000 0583 9825 7466')).toBe(false);
  });
  it('finds printed IBANs and masks them', () => {
    expect([...'Tilille FI21 1234 5600 0007 85 kiitos'.matchAll(IBAN_CANDIDATE)].map((m) => m[1])).toEqual(['FI21 1234 5600 0007 85']);
    expect(maskIban('FI21 1234 5600 0007 85')).toBe('FI21 **** **** **85');
  });
});
