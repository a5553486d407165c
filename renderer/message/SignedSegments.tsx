/**
 * A message whose signature covers only one part, shown part by part: each text part under a
 * label drawn by the app (signed, by whom / not signed), so the person sees exactly which text
 * the signature is for. The labels sit outside the content; HTML parts go through the same
 * sanitizer and sandboxed frame as any body.
 */
import { Badge, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import type { BodySegment } from '../../shared/domain.js';
import { useT } from '../i18n/use-t.js';
import { HtmlBody } from './HtmlBody.js';

const useStyles = makeStyles({
  segment: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXS, paddingLeft: tokens.spacingHorizontalS },
  signed: { borderLeft: `${tokens.strokeWidthThicker} solid ${tokens.colorPaletteGreenBorder2}` },
  unsigned: { borderLeft: `${tokens.strokeWidthThicker} dashed ${tokens.colorNeutralStroke1}` },
  text: {
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    fontFamily: tokens.fontFamilyBase,
    fontSize: tokens.fontSizeBase300,
    lineHeight: tokens.lineHeightBase300,
    margin: 0,
  },
});

/** `confirmed`: the signature on the covered part is valid (`partial`); otherwise it is bad or unknown. */
export function SignedSegments({
  segments,
  signer,
  confirmed,
  onLink,
}: {
  segments: BodySegment[];
  signer: string;
  confirmed: boolean;
  onLink: (url: string) => void;
}) {
  const t = useT();
  const styles = useStyles();
  const label = (segment: BodySegment) =>
    !segment.signed
      ? t('segments.unsigned', { part: segment.partId })
      : confirmed
        ? t('segments.signed', { part: segment.partId, signer })
        : t('segments.unconfirmed', { part: segment.partId });
  return (
    <div data-testid="signed-segments">
      {segments.map((segment) => (
        <section
          key={segment.partId}
          className={mergeClasses(styles.segment, segment.signed && confirmed ? styles.signed : styles.unsigned)}
          data-testid="body-segment"
          data-part={segment.partId}
          data-signed={segment.signed ? 'true' : 'false'}
          aria-label={label(segment)}
        >
          <Badge appearance="tint" color={segment.signed && confirmed ? 'success' : 'warning'}>
            {label(segment)}
          </Badge>
          {segment.html !== undefined ? <HtmlBody html={segment.html} onLink={onLink} /> : <div className={styles.text}>{segment.text ?? ''}</div>}
        </section>
      ))}
    </div>
  );
}
