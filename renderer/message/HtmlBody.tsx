import { makeStyles, tokens } from '@fluentui/react-components';
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react';
import { Bar } from '../app/ErrorBar.js';
import { useLocale } from '../i18n/LocaleProvider.js';
import { useT } from '../i18n/use-t.js';
import { buildMessageSrcdoc, sanitizeEmailHtml } from './sanitize-html.js';

const useStyles = makeStyles({
  frame: { display: 'block', width: '100%', border: `${tokens.strokeWidthThin} solid ${tokens.colorNeutralStroke2}`, backgroundColor: '#fff' },
});

const MIN_HEIGHT = 120;
/** A message taller than this scrolls inside its frame instead of growing the page further. */
const MAX_HEIGHT = 40_000;

interface Props {
  html: string;
  /** A link was activated inside the message; the caller asks before anything opens. */
  onLink: (url: string) => void;
}

/**
 * Sanitized mail HTML in an iframe sandboxed without allow-scripts, popups or top navigation.
 * allow-same-origin is there only so this component can reach into the inert document to catch
 * link clicks and measure its height; with scripts disabled the mail itself can do neither.
 */
export function HtmlBody({ html, onLink }: Props) {
  const t = useT();
  const styles = useStyles();
  const { locale } = useLocale();
  const sanitized = useMemo(() => sanitizeEmailHtml(html), [html]);
  const srcdoc = useMemo(() => buildMessageSrcdoc(sanitized.html, locale), [sanitized, locale]);
  const frameRef = useRef<HTMLIFrameElement>(null);
  const [height, setHeight] = useState(MIN_HEIGHT);
  const onLinkRef = useRef(onLink);
  // The frame's click handler reads the latest callback; refs are written after render, not during it.
  useLayoutEffect(() => {
    onLinkRef.current = onLink;
  });
  const cleanup = useRef<(() => void) | null>(null);

  const attach = useCallback(() => {
    cleanup.current?.();
    const doc = frameRef.current?.contentDocument;
    if (!doc) return;
    // The body's own box, not the document's scrollHeight: that is never less than the frame's
    // viewport, so measuring it and growing the frame would feed back into itself.
    const measure = () => {
      const body = doc.body;
      if (!body) return;
      const next = Math.min(MAX_HEIGHT, Math.max(MIN_HEIGHT, Math.ceil(body.getBoundingClientRect().height)));
      setHeight((current) => (Math.abs(current - next) > 1 ? next : current));
    };
    const intercept = (event: MouseEvent) => {
      const target = event.target as Element | null;
      const anchor = typeof target?.closest === 'function' ? target.closest('a') : null;
      if (!anchor) return;
      event.preventDefault();
      event.stopPropagation();
      if (event.type !== 'click') return;
      const href = anchor.getAttribute('href');
      if (href) onLinkRef.current(href);
    };
    doc.addEventListener('click', intercept, true);
    doc.addEventListener('auxclick', intercept, true);
    // Images decode after load and change the height.
    const images = [...doc.images];
    for (const image of images) image.addEventListener('load', measure);
    let observer: ResizeObserver | null = null;
    if (typeof ResizeObserver === 'function' && doc.body) {
      observer = new ResizeObserver(measure);
      observer.observe(doc.body);
    }
    measure();
    cleanup.current = () => {
      doc.removeEventListener('click', intercept, true);
      doc.removeEventListener('auxclick', intercept, true);
      for (const image of images) image.removeEventListener('load', measure);
      observer?.disconnect();
    };
  }, []);

  useEffect(() => () => cleanup.current?.(), []);

  return (
    <>
      {sanitized.blockedRemote > 0 ? (
        <Bar intent="warning" data-testid="remote-content-blocked" data-count={sanitized.blockedRemote}>
          {t('view.remoteBlocked', { count: sanitized.blockedRemote })}
        </Bar>
      ) : null}
      <iframe
        ref={frameRef}
        className={styles.frame}
        title={t('view.content')}
        data-testid="message-html-frame"
        sandbox="allow-same-origin"
        referrerPolicy="no-referrer"
        srcDoc={srcdoc}
        style={{ height: `${height}px` }}
        onLoad={attach}
      />
    </>
  );
}
