// @vitest-environment jsdom
/**
 * The trusted status above a message, as the person sees it: a signature covering only one part
 * says which part and who signed it (never "valid"); several From addresses, an address inside
 * the display name and a differing Sender are said plainly; unopened encrypted parts are named;
 * decrypted attachments are marked; and a body that draws its own green "signature valid" box
 * changes nothing in the app's own status.
 */
import { FluentProvider, webLightTheme } from '@fluentui/react-components';
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SinettiApi } from '../../../shared/contract.js';
import type { MailboxGroup, MessageView as View } from '../../../shared/domain.js';
import { ok } from '../../../shared/result.js';
import { ApiProvider } from '../../../renderer/api/api-context.js';
import { LocaleProvider } from '../../../renderer/i18n/LocaleProvider.js';
import { MessageView } from '../../../renderer/message/MessageView.js';
import { prepareJsdomForReact } from '../../support/jsdom-react.js';

beforeAll(() => prepareJsdomForReact());

let root: Root | null = null;
let container: HTMLDivElement | null = null;
afterEach(() => {
  act(() => root?.unmount());
  container?.remove();
  root = null;
});

const base: View = {
  mailbox: { accountId: 'a1', path: 'INBOX' },
  uid: 7,
  subject: 'Aihe',
  from: { name: 'kumppani@kela.example', address: 'evil@x.example' },
  to: [],
  cc: [],
  date: Date.UTC(2026, 10, 1),
  flags: { seen: true, answered: false, flagged: false },
  attachments: [],
  encrypted: false,
  signed: false,
};

async function render(view: View, groups: MailboxGroup[] = []): Promise<HTMLElement> {
  const api = {
    'settings:ui:get': async () => ok({ locale: 'fi' as const }),
    'mail:message:open': async () => ok(view),
    // A team INBOX shows its handling state above the message; this test is not about it.
    'team:item:get': async () => ok(null),
    onMailEvent: () => () => undefined,
  } as unknown as SinettiApi;
  container = document.createElement('div');
  document.body.append(container);
  root = createRoot(container);
  await act(async () => {
    root!.render(
      <ApiProvider api={api}>
        <LocaleProvider>
          <FluentProvider theme={webLightTheme}>
            <MessageView mailbox={view.mailbox} uid={view.uid} groups={groups} onFlagsChanged={() => undefined} onRemoved={() => undefined} />
          </FluentProvider>
        </LocaleProvider>
      </ApiProvider>,
    );
  });
  await act(async () => {
    await new Promise((r) => setTimeout(r, 20));
  });
  return container;
}

describe('trusted status bar', () => {
  it('a partial signature names the part and the signer and never says the signature is valid', async () => {
    const el = await render({
      ...base,
      from: { name: 'Kumppani', address: 'kumppani@kela.example' },
      text: 'Hyökkääjän teksti',
      signed: true,
      crypto: {
        decryption: 'not-encrypted',
        recipientKeyIds: [],
        protectedSubject: false,
        signature: { status: 'partial', coveredPart: '2', signerUserIds: ['Kumppani <kumppani@kela.example>'], fingerprint: 'AB'.repeat(20) },
      },
      identity: { fromAddresses: ['kumppani@kela.example'] },
    });
    const status = el.querySelector('[data-testid="crypto-status"]')!;
    expect(status.getAttribute('data-signature')).toBe('partial');
    expect(status.getAttribute('data-covered-part')).toBe('2');
    expect(status.textContent).toContain('Vain osa viestistä on allekirjoitettu');
    expect(status.textContent).toContain('Osan 2 on allekirjoittanut Kumppani <kumppani@kela.example>');
    expect(status.textContent).not.toMatch(/kelvollinen/i);
    expect(el.querySelector('[data-testid="sender-identity"]')).toBeNull();
  });

  it('with a partial signature the body is shown part by part, each labelled signed or not by the app', async () => {
    const el = await render({
      ...base,
      from: { name: 'Kumppani', address: 'kumppani@kela.example' },
      identity: { fromAddresses: ['kumppani@kela.example'] },
      text: 'Hyökkääjän teksti\nAito osa',
      crypto: {
        decryption: 'not-encrypted',
        recipientKeyIds: [],
        protectedSubject: false,
        signature: { status: 'partial', coveredPart: '2', signerUserIds: ['Kumppani <kumppani@kela.example>'] },
      },
      segments: [
        { partId: '1', signed: false, text: 'Hyökkääjän teksti' },
        { partId: '2.1', signed: true, text: 'Aito osa' },
      ],
    });
    const segments = [...el.querySelectorAll('[data-testid="body-segment"]')];
    expect(segments.map((s) => [s.getAttribute('data-part'), s.getAttribute('data-signed')])).toEqual([
      ['1', 'false'],
      ['2.1', 'true'],
    ]);
    expect(segments[0]!.textContent).toContain('Ei allekirjoitettu (osa 1)Hyökkääjän teksti');
    expect(segments[1]!.textContent).toContain('Allekirjoitettu osa (osa 2.1), allekirjoittaja Kumppani <kumppani@kela.example>Aito osa');
    // Not merged into one text as well.
    expect(el.querySelector('[data-testid="message-text"]')).toBeNull();
  });

  it('several From addresses, an address in the display name and a differing Sender are said plainly', async () => {
    const el = await render({
      ...base,
      text: 'Hei',
      identity: { fromAddresses: ['evil@x.example', 'toinen@x.example'], displayNameAddress: 'kumppani@kela.example', sender: 'bulk@mailer.example' },
    });
    const identity = el.querySelector('[data-testid="sender-identity"]')!;
    expect(identity.getAttribute('data-from-count')).toBe('2');
    expect(identity.textContent).toContain('Viestissä on useita lähettäjiä (evil@x.example, toinen@x.example)');
    expect(identity.textContent).toContain('Lähettäjän nimessä on osoite kumppani@kela.example, mutta viesti tulee osoitteesta evil@x.example.');
    expect(identity.textContent).toContain('Viestin lähetti bulk@mailer.example');
  });

  it('unopened encrypted parts are named, and decrypted attachments are marked as decrypted', async () => {
    const el = await render({
      ...base,
      from: { name: '', address: 'a@b.example' },
      identity: { fromAddresses: ['a@b.example'] },
      text: 'Katso',
      unopened: [{ partId: '2', kind: 'pgp-mime-encrypted' }],
      attachments: [{ partId: '2.2', filename: 'päätös.pdf', mimeType: 'application/pdf', size: 1000, decrypted: true }],
    });
    expect(el.querySelector('[data-testid="unopened-parts"]')!.textContent).toContain('osa 2 (salattu osa)');
    const attachment = el.querySelector('[data-testid="attachment"]')!;
    expect(attachment.getAttribute('data-decrypted')).toBe('true');
    expect(attachment.textContent).toContain('salaus purettu');
  });

  it('a body that draws a green "signature valid" box leaves the trusted status without any signature state', async () => {
    const el = await render({
      ...base,
      from: { name: 'Kumppani', address: 'kumppani@kela.example' },
      identity: { fromAddresses: ['kumppani@kela.example'] },
      html: '<div style="background:#dff6dd">✔ Allekirjoitus kelvollinen: kumppani@kela.example</div>',
    });
    expect(el.querySelector('[data-testid="crypto-status"]')).toBeNull();
    expect(el.querySelector('[data-testid="sender-identity"]')).toBeNull();
    // The fake box exists only inside the sandboxed content frame, not in the app's chrome.
    const chrome = [...el.querySelectorAll('[role="status"], [role="alert"]')].map((n) => n.textContent).join(' ');
    expect(chrome).not.toContain('Allekirjoitus kelvollinen');
  });

  it('a good signature by a key the person has not verified says so', async () => {
    const el = await render({
      ...base,
      from: { name: 'Kumppani', address: 'kumppani@kela.example' },
      identity: { fromAddresses: ['kumppani@kela.example'] },
      text: 'Hei',
      signed: true,
      crypto: {
        decryption: 'not-encrypted',
        recipientKeyIds: [],
        protectedSubject: false,
        signature: { status: 'good', acceptance: 'unverified', signerUserIds: ['Kumppani <kumppani@kela.example>'], fingerprint: 'CD'.repeat(20) },
      },
    });
    expect(el.querySelector('[data-testid="crypto-status"]')!.getAttribute('data-signature')).toBe('good');
    expect(el.querySelector('[data-testid="signer-unverified"]')!.textContent).toContain('Et ole vahvistanut allekirjoittajan avainta');
  });

  it('a key locked by its passphrase asks the person to unlock it, with the key ID', async () => {
    const el = await render({
      ...base,
      encrypted: true,
      crypto: { decryption: 'locked', recipientKeyIds: ['0123456789ABCDEF'], protectedSubject: false, signature: { status: 'none', signerUserIds: [] } },
    });
    expect(el.querySelector('[data-testid="crypto-status"]')!.textContent).toContain('Avaimesi on lukittu');
    expect(el.querySelector('[data-testid="crypto-status"]')!.textContent).toContain('0123456789ABCDEF');
  });

  it("mail encrypted to a key the person lacks names the key and who grants it: in a team mailbox, that team's lead", async () => {
    const noKey = {
      ...base,
      mailbox: { accountId: 'a1', path: 'shared/perhepalvelut' },
      encrypted: true,
      crypto: {
        decryption: 'no-key' as const,
        recipientKeyIds: ['89ABCDEF01234567'],
        protectedSubject: false,
        signature: { status: 'none' as const, signerUserIds: [] },
      },
    };
    const team: MailboxGroup = {
      id: 'shared:perhepalvelut',
      kind: 'team',
      label: 'Perhepalvelut',
      accountId: 'a1',
      mailboxes: [
        {
          accountId: 'a1',
          path: 'shared/perhepalvelut',
          name: 'Perhepalvelut',
          delimiter: '/',
          specialUse: null,
          selectable: true,
          rights: null,
        } as unknown as MailboxGroup['mailboxes'][number],
      ],
    };
    const inTeam = (await render(noKey, [team])).querySelector('[data-testid="crypto-status"]')!.textContent!;
    expect(inTeam).toContain('89ABCDEF01234567');
    expect(inTeam).toContain('Tiimin Perhepalvelut avaimen myöntää tiimin esihenkilö');
    act(() => root?.unmount());
    container?.remove();
    const personal = (await render({ ...noKey, mailbox: { accountId: 'a1', path: 'INBOX' } }, [team])).querySelector(
      '[data-testid="crypto-status"]',
    )!.textContent!;
    expect(personal).toContain('89ABCDEF01234567');
    expect(personal).not.toContain('Tiimin');
  });
});

describe('trusted status bar: facts from reading interoperability (issue 9)', () => {
  const bob = 'Bob Babbage <bob@openpgp.example>';
  const signedAt = Date.UTC(2020, 9, 14, 18, 21, 6);
  const headerDate = Date.UTC(2019, 9, 14, 18, 21, 6);

  it('a signature made a year away from the Date header is never shown as valid, and says both times', async () => {
    const el = await render({
      ...base,
      from: { name: 'Bob', address: 'bob@openpgp.example' },
      identity: { fromAddresses: ['bob@openpgp.example'] },
      text: 'Sundays are nothing without callaloo.',
      signed: true,
      crypto: {
        decryption: 'not-encrypted',
        recipientKeyIds: [],
        protectedSubject: false,
        signature: { status: 'date-mismatch', signerUserIds: [bob], fingerprint: 'FB'.repeat(20), signedAt, dateMismatch: { signedAt, headerDate } },
      },
    });
    const status = el.querySelector('[data-testid="crypto-status"]')!;
    expect(status.getAttribute('data-signature')).toBe('date-mismatch');
    const bar = el.querySelector('[data-testid="signature-date-mismatch"]')!;
    expect(bar.textContent).toContain('Allekirjoitus on eri ajalta kuin viesti');
    expect(bar.textContent).toContain(`${bob} allekirjoitti viestin`);
    expect(bar.textContent).toMatch(/2020.*2019/);
    expect(status.textContent).not.toContain('Kelvollinen allekirjoitus');
  });

  it('on another verdict (signer is not the sender) the date disagreement is said as well', async () => {
    const el = await render({
      ...base,
      identity: { fromAddresses: ['evil@x.example'] },
      text: 'Hei',
      crypto: {
        decryption: 'not-encrypted',
        recipientKeyIds: [],
        protectedSubject: false,
        signature: { status: 'mismatch', signerUserIds: [bob], signedAt, dateMismatch: { signedAt, headerDate } },
      },
    });
    expect(el.querySelector('[data-testid="crypto-status"]')!.textContent).toContain('Allekirjoitus ei vastaa lähettäjää');
    expect(el.querySelector('[data-testid="signature-date-note"]')!.textContent).toMatch(/Allekirjoitus on tehty .*2020.*lähetetty .*2019/);
  });

  it('an outer signature around an encrypted message is reported beside the verdict, and says it covers only the ciphertext', async () => {
    const decrypted = { ...base, encrypted: true, text: 'Sundays are nothing without callaloo.', identity: { fromAddresses: ['carol@example.com'] } };
    const el = await render({
      ...decrypted,
      crypto: {
        decryption: 'decrypted',
        recipientKeyIds: [],
        protectedSubject: false,
        signature: { status: 'none', signerUserIds: [] },
        outerSignature: { protocol: 'openpgp', status: 'unknown-key', keyId: '3099FF1238852B9F', signerUserIds: [] },
      },
    });
    const outer = el.querySelector('[data-testid="outer-signature"]')!;
    expect(outer.getAttribute('data-outer-signature')).toBe('unknown-key');
    expect(outer.textContent).toContain(
      'Salattu viesti on kääritty ulompaan OpenPGP-allekirjoitukseen: allekirjoitettu tuntemattomalla avaimella (avaintunniste 3099FF1238852B9F)',
    );
    expect(outer.textContent).toContain('Se kattaa vain salatun datan');
    expect(el.querySelector('[data-testid="crypto-status"]')!.getAttribute('data-signature')).toBe('none');
    act(() => root?.unmount());
    container?.remove();
    const smime = await render({
      ...decrypted,
      crypto: {
        decryption: 'decrypted',
        recipientKeyIds: [],
        protectedSubject: false,
        signature: { status: 'none', signerUserIds: [] },
        outerSignature: { protocol: 'smime', status: 'not-checked', signerUserIds: [] },
      },
    });
    expect(smime.querySelector('[data-testid="outer-signature"]')!.textContent).toContain(
      'ulompaan S/MIME-allekirjoitukseen: Sinetti ei tarkista S/MIME-allekirjoituksia',
    );
  });

  it('a message labelled encrypted without ciphertext says it is not encrypted, never "damaged or altered"', async () => {
    const el = await render({
      ...base,
      crypto: { decryption: 'not-ciphertext', recipientKeyIds: [], protectedSubject: false, signature: { status: 'none', signerUserIds: [] } },
    });
    const status = el.querySelector('[data-testid="crypto-status"]')!;
    expect(status.getAttribute('data-decryption')).toBe('not-ciphertext');
    expect(el.querySelector('[data-testid="not-ciphertext"]')!.textContent).toContain(
      'Viesti on merkitty salatuksi, mutta sen salatussa osassa ei ole salattua sisältöä',
    );
    expect(status.textContent).not.toContain('vioittunut');
  });

  it('mail to a hidden recipient that no held key opens says so instead of naming key ID 0000000000000000', async () => {
    const el = await render({
      ...base,
      encrypted: true,
      crypto: { decryption: 'no-key', recipientKeyIds: ['0000000000000000'], protectedSubject: false, signature: { status: 'none', signerUserIds: [] } },
    });
    const text = el.querySelector('[data-testid="crypto-status"]')!.textContent!;
    expect(text).toContain('Viesti on salattu piilotetulle vastaanottajalle');
    expect(text).not.toContain('0000000000000000');
  });
});
