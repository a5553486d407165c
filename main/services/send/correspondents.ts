/**
 * Recipient suggestions for the composer: the people the person recently wrote to (this session)
 * and the senders of the header rows the mail service has already synced. Only addresses and
 * display names from headers — no message content is read for this, nothing is stored on disk
 * (recipients are client data), and at most a handful of matches go to the renderer per query.
 */
export interface Correspondent {
  name: string;
  address: string;
}

const MAX_SENT_REMEMBERED = 500;

/** Case- and accent-insensitive: "aaltonen" finds "Äältönen". */
const fold = (value: string) => value.normalize('NFD').replace(/\p{M}/gu, '').toLowerCase();

export class Correspondents {
  /** Most recent last; address → when it was last written to. */
  private readonly sent = new Map<string, number>();

  constructor(private readonly knownSenders: () => Iterable<{ name: string; address: string; date: number }>) {}

  noteSent(addresses: string[]): void {
    const now = Date.now();
    for (const address of addresses) {
      const key = address.toLowerCase();
      this.sent.delete(key);
      this.sent.set(key, now);
    }
    while (this.sent.size > MAX_SENT_REMEMBERED) this.sent.delete(this.sent.keys().next().value!);
  }

  /**
   * Matches on the start of the address, of its domain, or of any word of the name. Written-to
   * first, then by the newest message; each address once, with the newest name seen for it.
   */
  suggest(query: string, limit = 8): Correspondent[] {
    const q = fold(query.trim());
    if (q.length < 1) return [];
    const best = new Map<string, { name: string; address: string; rank: number }>();
    const consider = (name: string, address: string, rank: number) => {
      const key = address.toLowerCase();
      const words = [key, key.split('@')[1] ?? '', ...fold(name).split(/[\s,.<>"'()-]+/)];
      if (!words.some((w) => w.startsWith(q)) && !fold(name).startsWith(q)) return;
      const known = best.get(key);
      if (!known || rank > known.rank) best.set(key, { name: name || known?.name || '', address: key, rank });
    };
    for (const { name, address, date } of this.knownSenders()) consider(name, address, date);
    // Written to by the person: above any received mail.
    for (const [address, at] of this.sent) consider(best.get(address)?.name ?? '', address, Number.MAX_SAFE_INTEGER / 2 + at);
    return [...best.values()]
      .sort((a, b) => b.rank - a.rank || a.address.localeCompare(b.address))
      .slice(0, limit)
      .map(({ name, address }) => ({ name, address }));
  }
}
