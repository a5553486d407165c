/**
 * Parse bombs on the reading side: the MIME tree, the structure a message is opened by, and the
 * quote a reply carries are bounded before the work they would cost is done, and a message over
 * the limits is MESSAGE_TOO_COMPLEX — never "the message no longer exists".
 */
import { describe, expect, it } from 'vitest';
import { parseMimeTree } from '../../../main/services/mail/mime-tree.js';
import type { BodyStructureNode } from '../../../main/services/mail/message-row.js';
import { fetchRootText, MAX_QUOTED_PARTS } from '../../../main/services/mail/quote-original.js';
import { MAX_MESSAGE_DEPTH, MAX_MESSAGE_PARTS, openable } from '../../../main/services/mail/structure-limits.js';
import { deeplyNestedMessage, hugeHeaderMessage, manyPartsMessage } from '../../support/fixtures/bombs.js';

const code = (run: () => unknown) => {
  try {
    run();
    return 'none';
  } catch (error) {
    return (error as { code?: string }).code;
  }
};

const wide = (parts: number): BodyStructureNode => ({
  type: 'multipart/mixed',
  childNodes: Array.from({ length: parts }, (_, i) => ({ part: String(i + 1), type: 'text/plain' })),
});
const deep = (levels: number): BodyStructureNode => {
  let node: BodyStructureNode = { type: 'text/plain' };
  for (let i = 0; i < levels; i++) node = { type: 'multipart/mixed', childNodes: [node] };
  return node;
};

describe('MIME tree limits', () => {
  it('refuses 100,000 parts, 1,000 levels and a 50 MB header as too complex', () => {
    expect(code(() => parseMimeTree(manyPartsMessage(100_000)))).toBe('MESSAGE_TOO_COMPLEX');
    expect(code(() => parseMimeTree(deeplyNestedMessage(1000)))).toBe('MESSAGE_TOO_COMPLEX');
    expect(code(() => parseMimeTree(hugeHeaderMessage(50 * 1024 * 1024)))).toBe('MESSAGE_TOO_COMPLEX');
    expect(code(() => parseMimeTree(manyPartsMessage(50)))).toBe('none');
  }, 60_000);
});

describe('the structure a message is opened by', () => {
  it('is "gone" only when the server returned nothing; a dropped or oversized structure is too complex', () => {
    expect(code(() => openable(null))).toBe('MESSAGE_GONE');
    // imapflow keeps the row but drops a BODYSTRUCTURE nested over 100 levels.
    expect(code(() => openable({ uid: 7 } as { uid: number; bodyStructure?: unknown }))).toBe('MESSAGE_TOO_COMPLEX');
    expect(code(() => openable({ bodyStructure: wide(MAX_MESSAGE_PARTS + 1) }))).toBe('MESSAGE_TOO_COMPLEX');
    expect(code(() => openable({ bodyStructure: deep(MAX_MESSAGE_DEPTH + 1) }))).toBe('MESSAGE_TOO_COMPLEX');
    expect(openable({ bodyStructure: wide(10) }).structure.childNodes).toHaveLength(10);
  });
});

describe('the quote of a reply', () => {
  it('downloads a bounded number of text parts however many the message has', async () => {
    const downloads: string[] = [];
    const client = {
      download: async (_uid: string, part: string) => {
        downloads.push(part);
        return {
          content: (async function* () {
            yield Buffer.from(`osa ${part}`);
          })(),
        };
      },
    } as unknown as Parameters<typeof fetchRootText>[0];
    const { text } = await fetchRootText(client, 1, wide(MAX_MESSAGE_PARTS), 'a@example.fi');
    expect(downloads).toHaveLength(MAX_QUOTED_PARTS);
    expect(text).toContain('osa 1');
    expect(text).not.toContain(`osa ${MAX_MESSAGE_PARTS}`);
  });
});
