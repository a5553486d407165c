import { describe, expect, it } from 'vitest';
import { buildOutgoing, chipOf, invalidRecipients, outgoingKey, signatureBlock, type ComposeState } from '../../../renderer/compose/compose-state.js';

const base: ComposeState = {
  identity: { accountId: 'acc' },
  to: [],
  cc: [],
  pendingTo: '',
  pendingCc: '',
  subject: 'Aihe',
  text: 'Teksti',
  attachments: [],
  secure: false,
  draftId: '6f1c2d3e-4b5a-4c6d-8e7f-0a1b2c3d4e5f',
};
const original = { mailbox: { accountId: 'acc', path: 'shared/perhepalvelut' }, uid: 7 };

describe('buildOutgoing: the one place the composer builds the message', () => {
  it('needs a sender and a valid recipient; typed-but-not-chipped text counts, invalid chips do not', () => {
    expect(buildOutgoing({ ...base, identity: null, to: [chipOf('a@kunta.fi')] })).toBeNull();
    expect(buildOutgoing({ ...base, to: [chipOf('"a b"@kunta.fi')] })).toBeNull();
    const message = buildOutgoing({
      ...base,
      to: [chipOf('Pekka <pekka@äänekoski.fi>'), chipOf('x (y)@kunta.fi')],
      pendingTo: 'b@kunta.fi',
      cc: [chipOf('c@kunta.fi')],
    });
    expect(message).toMatchObject({ accountId: 'acc', to: ['pekka@xn--nekoski-4waa.fi', 'b@kunta.fi'], cc: ['c@kunta.fi'] });
    expect(invalidRecipients({ ...base, to: [chipOf('x (y)@kunta.fi')] })).toHaveLength(1);
  });

  it('links a reply by replyTo, a forward by forward + mode, and carries the team identity and the secure choice', () => {
    const to = [chipOf('a@kunta.fi')];
    expect(buildOutgoing({ ...base, to, initial: { mode: 'reply-all', original } })).toMatchObject({ replyTo: original });
    const forward = buildOutgoing({
      ...base,
      to,
      identity: { accountId: 'acc', teamMailbox: 'acc:shared:perhepalvelut' },
      secure: true,
      initial: { mode: 'forward', original, forwardMode: 'attachment' },
    });
    expect(forward).toMatchObject({ forward: { ...original, mode: 'attachment' }, teamMailbox: 'acc:shared:perhepalvelut', secure: true });
    expect(forward).not.toHaveProperty('replyTo');
    expect(buildOutgoing({ ...base, to, initial: { mode: 'forward', original } })).toMatchObject({ forward: { mode: 'inline' } });
  });

  it('names attachments by upload id only (the main process holds the bytes), and keys the message by it', () => {
    const id = '0b7e6f7c-5d1a-4a4e-9d2c-0d6a3c1f2e11';
    const a = buildOutgoing({
      ...base,
      to: [chipOf('a@kunta.fi')],
      attachments: [{ attachmentId: id, filename: 'x.txt', contentType: 'text/plain', size: 3 }],
    });
    expect(a?.attachments).toEqual([{ attachmentId: id }]);
    expect(outgoingKey(a)).toContain(id);
    expect(outgoingKey(null)).toBe('');
    expect(signatureBlock('  Anna\n')).toBe('\n\n-- \nAnna');
    expect(signatureBlock(' ')).toBe('');
  });
});
