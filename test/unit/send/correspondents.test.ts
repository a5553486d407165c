import { describe, expect, it } from 'vitest';
import { Correspondents } from '../../../main/services/send/correspondents.js';

describe('recipient suggestions', () => {
  const senders = [
    { name: 'Äijälä Pekka', address: 'pekka.aijala@example.net', date: 1 },
    { name: 'Anna Virtanen', address: 'anna.virtanen@kunta.fi', date: 5 },
    { name: 'Anna V.', address: 'Anna.Virtanen@kunta.fi', date: 9 },
    { name: 'Asko', address: 'asko@example.net', date: 3 },
  ];

  it('matches the start of the address, the domain or a name word, accent-insensitively, each address once', () => {
    const c = new Correspondents(() => senders);
    expect(c.suggest('aija')).toEqual([{ name: 'Äijälä Pekka', address: 'pekka.aijala@example.net' }]);
    expect(c.suggest('pekka')).toEqual([{ name: 'Äijälä Pekka', address: 'pekka.aijala@example.net' }]);
    expect(c.suggest('kunta')).toEqual([{ name: 'Anna V.', address: 'anna.virtanen@kunta.fi' }]);
    expect(c.suggest('a').map((s) => s.address)).toEqual(['anna.virtanen@kunta.fi', 'asko@example.net', 'pekka.aijala@example.net']);
    expect(c.suggest('')).toEqual([]);
    expect(c.suggest('zzz')).toEqual([]);
  });

  it('puts people the person wrote to first, and limits the list', () => {
    const c = new Correspondents(() => senders);
    c.noteSent(['asko@example.net', 'uusi@example.org']);
    expect(c.suggest('a').map((s) => s.address)[0]).toBe('asko@example.net');
    expect(c.suggest('uusi')).toEqual([{ name: '', address: 'uusi@example.org' }]);
    expect(c.suggest('a', 2)).toHaveLength(2);
  });
});
