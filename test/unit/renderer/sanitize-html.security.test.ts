// @vitest-environment jsdom
/**
 * Hostile mail HTML: what sanitizeEmailHtml must neutralise before the sandboxed frame sees it.
 * Runs in jsdom — never happy-dom, on which DOMPurify is bypassable — and checks the parsed
 * result, not just the string, so a payload that only becomes active after re-parsing is caught.
 */
import { describe, expect, it } from 'vitest';
import { buildMessageSrcdoc, MESSAGE_FRAME_CSP, sanitizeEmailHtml } from '../../../renderer/message/sanitize-html.js';

function clean(html: string) {
  return sanitizeEmailHtml(html);
}

/** Re-parse the output as the frame would, and list every attribute and element in it. */
function parse(html: string): Document {
  return new DOMParser().parseFromString(`<!doctype html><body>${html}`, 'text/html');
}

function assertInert(html: string): void {
  const doc = parse(html);
  for (const element of doc.body.querySelectorAll('*')) {
    expect([
      'script',
      'iframe',
      'object',
      'embed',
      'form',
      'input',
      'meta',
      'base',
      'link',
      'style',
      'svg',
      'math',
      'frame',
      'frameset',
      'button',
      'textarea',
      'select',
    ]).not.toContain(element.localName);
    for (const attr of element.attributes) {
      expect(attr.name.startsWith('on'), `${element.localName}[${attr.name}]`).toBe(false);
      expect(attr.value).not.toMatch(/^\s*(javascript|vbscript|file|data:text):/i);
    }
  }
}

describe('sanitizeEmailHtml: scripts and handlers', () => {
  it.each([
    '<script>alert(1)</script><p>hei</p>',
    '<p onclick="alert(1)">hei</p>',
    '<img src=x onerror=alert(1)>',
    '<body onload=alert(1)><p>hei</p>',
    '<div onmouseover="alert(1)" style="width:100%">x</div>',
    '<svg><script>alert(1)</script></svg>',
    '<svg onload=alert(1)><circle r=10 /></svg>',
    '<details open ontoggle=alert(1)>x</details>',
    '<a href="#" onfocus="alert(1)" autofocus>x</a>',
    '<video><source onerror=alert(1)></video>',
    '<marquee onstart=alert(1)>x</marquee>',
  ])('removes active content from %s', (html) => {
    const out = clean(html).html;
    expect(out).not.toMatch(/alert\(1\)/);
    assertInert(out);
  });

  it('keeps the text around removed elements', () => {
    expect(clean('<script>alert(1)</script><p>Hyvä asiakas</p>').html).toBe('<p>Hyvä asiakas</p>');
  });
});

describe('sanitizeEmailHtml: mXSS classics', () => {
  it.each([
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    '<math><mtext><table><mglyph><style><!--</style><img title="--&gt;&lt;/mglyph&gt;&lt;img&Tab;src=1&Tab;onerror=alert(1)&gt;">',
    '<svg></p><style><a id="</style><img src=1 onerror=alert(1)>">',
    '<form><math><mtext></form><form><mglyph><style></math><img src onerror=alert(1)>',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>">',
    '<svg><foreignObject><p><style><img src=x onerror=alert(1)></style></p></foreignObject></svg>',
    '<template><img src=x onerror=alert(1)></template>',
    '<xmp><img src=x onerror=alert(1)></xmp>',
    '<a href="java&#x09;script:alert(1)">x</a>',
    '<a href="&#106;avascript:alert(1)">x</a>',
  ])('stays inert after re-parsing: %s', (html) => {
    const out = clean(html).html;
    assertInert(out);
    // Twice through the parser must not change the meaning (the mXSS test).
    const reparsed = parse(out).body.innerHTML;
    assertInert(reparsed);
    expect(reparsed).not.toMatch(/onerror/i);
  });
});

describe('sanitizeEmailHtml: links', () => {
  it.each([
    ['javascript:alert(1)'],
    ['JaVaScRiPt:alert(1)'],
    [' javascript:alert(1)'],
    ['java\tscript:alert(1)'],
    ['java&#x09;script:alert(1)'],
    ['vbscript:msgbox(1)'],
    ['file:///etc/passwd'],
    ['file://server/share/x.exe'],
    ['data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg=='],
    ['http://plain-http.example/'],
    ['//protocol-relative.example/'],
    ['https://user:pass@bank.example/'],
    ['/relative/path'],
    ['#fragment'],
  ])('drops href %s but keeps the text', (href) => {
    const out = clean(`<a href="${href}">Lue lisää</a>`).html;
    const a = parse(out).querySelector('a');
    expect(a?.textContent).toBe('Lue lisää');
    expect(a?.hasAttribute('href')).toBe(false);
  });

  it('keeps https: and mailto: links and marks them noopener noreferrer', () => {
    const out = clean(
      '<a href="https://kunta.example/perhekahvilat" target="_blank">Katso aikataulut</a> <a href="mailto:neuvola@kunta.example">Neuvola</a>',
    ).html;
    const [https, mailto] = [...parse(out).querySelectorAll('a')];
    expect(https?.getAttribute('href')).toBe('https://kunta.example/perhekahvilat');
    expect(https?.getAttribute('rel')).toBe('noopener noreferrer');
    expect(https?.hasAttribute('target')).toBe(false);
    expect(mailto?.getAttribute('href')).toBe('mailto:neuvola@kunta.example');
  });

  it('removes forms and their actions, keeping visible text', () => {
    const out = clean(
      '<form action="https://phish.example/login" method="post">Tunnus <input name="u"><button formaction="https://x.example">Kirjaudu</button></form>',
    ).html;
    assertInert(out);
    expect(out).not.toMatch(/phish|formaction|<input|<button/);
    expect(out).toContain('Tunnus');
  });
});

describe('sanitizeEmailHtml: document-level tags', () => {
  it.each([
    '<meta http-equiv="refresh" content="0;url=https://evil.example/">',
    '<base href="https://evil.example/">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<iframe src="https://evil.example/"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<object data="https://evil.example/x.swf"></object>',
    '<embed src="https://evil.example/x.swf">',
    '<frameset><frame src="https://evil.example/"></frameset>',
  ])('removes %s', (html) => {
    const out = clean(`${html}<p>teksti</p>`).html;
    expect(out).not.toMatch(/evil\.example|<meta|<base|<link|<iframe|<object|<embed|<frame|srcdoc/i);
    assertInert(out);
  });
});

describe('sanitizeEmailHtml: remote content is removed and counted', () => {
  it('removes and counts remote images (http, https, protocol-relative)', () => {
    const result = clean('<img src="http://track.example/p.gif"><img src="https://cdn.example/a.png"><img src="//cdn.example/b.png"><p>x</p>');
    expect(result.blockedRemote).toBe(3);
    expect(result.html).not.toMatch(/example/);
  });

  it('counts obfuscated remote URLs (whitespace and control characters inside the scheme)', () => {
    const result = clean('<img src=" ht\ntps://track.example/p.gif">');
    expect(result.blockedRemote).toBe(1);
    expect(result.html).not.toMatch(/track/);
  });

  it('removes and counts srcset candidates, background and poster attributes', () => {
    const result = clean(
      '<img srcset="https://a.example/1.png 1x, https://a.example/2.png 2x"><table background="https://b.example/bg.png"><tr><td background="http://c.example/x.png">x</td></tr></table>',
    );
    expect(result.blockedRemote).toBe(4);
    expect(result.html).not.toMatch(/example|srcset|background/);
  });

  it('removes style attributes that load anything, counting the remote ones', () => {
    const result = clean(
      '<div style="background-image: url(https://track.example/bg.png); color: red">a</div><p style="background:url(\'//x.example/y\')">b</p><span style="color: blue">c</span>',
    );
    expect(result.blockedRemote).toBe(2);
    const doc = parse(result.html);
    expect(doc.querySelector('div')?.hasAttribute('style')).toBe(false);
    expect(doc.querySelector('p')?.hasAttribute('style')).toBe(false);
    expect(doc.querySelector('span')?.getAttribute('style')).toBe('color: blue');
  });

  it('drops <style> elements, including @import and url()', () => {
    const result = clean('<style>@import url("https://evil.example/x.css"); body { background: url(https://evil.example/bg.png) }</style><p>teksti</p>');
    expect(result.html).toBe('<p>teksti</p>');
  });

  it('drops style attributes with expression(), escapes or @import', () => {
    for (const style of ['width: expression(alert(1))', 'background: u\\72l(https://x.example)', '@import "https://x.example"', 'behavior: url(x.htc)']) {
      const out = clean(`<p style='${style}'>x</p>`).html;
      expect(parse(out).querySelector('p')?.hasAttribute('style'), style).toBe(false);
    }
  });

  it('keeps inline raster data: images and drops other data:, cid: and relative sources', () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const result = clean(`<img alt="logo" src="${png}"><img src="data:image/svg+xml;base64,PHN2Zz48L3N2Zz4="><img src="cid:logo@x"><img src="/local.png">`);
    const images = [...parse(result.html).querySelectorAll('img')];
    expect(images[0]?.getAttribute('src')).toBe(png);
    for (const img of images.slice(1)) expect(img.hasAttribute('src')).toBe(false);
    expect(result.blockedRemote).toBe(0);
  });

  it('reports zero for a message without remote content', () => {
    expect(clean('<p>Hei</p>').blockedRemote).toBe(0);
  });
});

describe('sanitizeEmailHtml: ordinary mail survives', () => {
  it('keeps formatting, tables, lists and images alt text', () => {
    const html =
      '<h1>Perhepalveluiden uutiskirje</h1><p><b>Hei</b> <i>kaikki</i>, <u>tärkeää</u></p><ul><li>yksi</li></ul>' +
      '<table border="1"><tr><td colspan="2" style="color: #333; padding: 4px">solu</td></tr></table><blockquote>lainaus</blockquote>';
    const out = clean(html).html;
    const doc = parse(out);
    expect(doc.querySelector('h1')?.textContent).toBe('Perhepalveluiden uutiskirje');
    expect(doc.querySelector('b')?.textContent).toBe('Hei');
    expect(doc.querySelector('td')?.getAttribute('colspan')).toBe('2');
    expect(doc.querySelector('td')?.getAttribute('style')).toContain('padding');
    expect(doc.querySelector('li')?.textContent).toBe('yksi');
    expect(doc.querySelector('blockquote')).not.toBeNull();
  });

  it('prefixes ids and names so mail cannot clobber the frame document', () => {
    const out = clean('<img name="addEventListener"><a id="cookie">x</a>').html;
    expect(out).not.toMatch(/id="cookie"|name="addEventListener"/);
  });
});

describe('sanitizeEmailHtml: instances', () => {
  it('works against an explicitly given window and counts per call', () => {
    const frame = document.createElement('iframe');
    document.body.append(frame);
    const other = frame.contentWindow!;
    expect(other).not.toBe(window);
    const first = sanitizeEmailHtml('<img src="https://a.example/1.png">', { window: other as never });
    const second = sanitizeEmailHtml('<p>x</p>', { window: other as never });
    expect(first.blockedRemote).toBe(1);
    expect(second.blockedRemote).toBe(0);
  });
});

describe('buildMessageSrcdoc', () => {
  it('puts the strict frame CSP first in the head and the body after it', () => {
    const doc = buildMessageSrcdoc('<p>x</p>', 'fi');
    const parsed = parse('').implementation.createHTMLDocument('');
    parsed.documentElement.innerHTML = doc.replace(/^<!doctype html>/i, '');
    const meta = parsed.querySelector('meta[http-equiv="Content-Security-Policy"]');
    expect(meta?.getAttribute('content')).toBe(MESSAGE_FRAME_CSP);
    expect(MESSAGE_FRAME_CSP).toContain("default-src 'none'");
    expect(MESSAGE_FRAME_CSP).toContain('img-src data:');
    expect(MESSAGE_FRAME_CSP).not.toMatch(/script-src|https?:/);
    expect(doc.indexOf('Content-Security-Policy')).toBeLessThan(doc.indexOf('<body>'));
  });

  it('refuses a lang value that could break out of the attribute', () => {
    expect(buildMessageSrcdoc('', '"><script>')).toContain('lang="fi"');
  });
});
