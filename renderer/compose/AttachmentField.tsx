/**
 * Attachments by file picker or by dropping files on the composer, each with its size against the
 * policy's limit, shown before sending (the send gate refuses an oversized file anyway). A forward
 * as attachment lists the original message here too; its bytes are fetched by the main process.
 */
import { Button, Text, makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import { AttachRegular, DismissRegular, MailRegular } from '@fluentui/react-icons';
import { useRef, useState, type DragEvent, type ReactNode } from 'react';
import { useT } from '../i18n/use-t.js';
import type { ComposeAttachment } from './compose-state.js';

const useStyles = makeStyles({
  zone: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalXS,
    padding: tokens.spacingHorizontalS,
    border: `${tokens.strokeWidthThin} dashed ${tokens.colorNeutralStroke1}`,
    borderRadius: tokens.borderRadiusMedium,
  },
  over: { border: `${tokens.strokeWidthThick} dashed ${tokens.colorBrandStroke1}`, backgroundColor: tokens.colorBrandBackground2 },
  row: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, alignItems: 'center' },
  list: { display: 'flex', flexWrap: 'wrap', gap: tokens.spacingHorizontalS, listStyle: 'none', margin: 0, padding: 0 },
  tooLarge: { color: tokens.colorPaletteRedForeground1 },
});

export const formatSize = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} kB`;

/**
 * Dropping files anywhere on the element the handlers are spread on (the whole composer form):
 * a file dropped on the text box must not become its path in the text or navigate the app away.
 */
export function useFileDrop(onFiles: (files: File[]) => void) {
  const [over, setOver] = useState(false);
  const hasFiles = (event: DragEvent) => Array.from(event.dataTransfer?.types ?? []).includes('Files');
  return {
    over,
    handlers: {
      onDragOver: (event: DragEvent) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setOver(true);
      },
      onDragLeave: (event: DragEvent) => {
        if (!event.currentTarget.contains(event.relatedTarget as Node | null)) setOver(false);
      },
      onDrop: (event: DragEvent) => {
        if (!hasFiles(event)) return;
        event.preventDefault();
        setOver(false);
        onFiles(Array.from(event.dataTransfer.files));
      },
    },
  };
}

interface Props {
  /** A drag with files is over the composer. */
  over: boolean;
  attachments: ComposeAttachment[];
  onChange: (update: (list: ComposeAttachment[]) => ComposeAttachment[]) => void;
  /** Files picked: the composer uploads them (upload-attachment.ts). */
  onAdd: (files: File[]) => void;
  /** How many files are still on their way to the main process. */
  uploading: number;
  maxSizeMb: number | null;
  /** The original message, when forwarding it as an attachment. */
  forwardedOriginal?: ReactNode;
}

export function AttachmentField({ over, attachments, onChange, onAdd, uploading, maxSizeMb, forwardedOriginal }: Props) {
  const t = useT();
  const styles = useStyles();
  const input = useRef<HTMLInputElement>(null);
  const limit = maxSizeMb === null ? Infinity : maxSizeMb * 1024 * 1024;

  return (
    <div className={mergeClasses(styles.zone, over && styles.over)} data-testid="attachment-drop-zone" data-drag-over={String(over)}>
      <div className={styles.row}>
        <input
          ref={input}
          type="file"
          multiple
          hidden
          data-testid="compose-file-input"
          onChange={(event) => {
            const files = Array.from(event.target.files ?? []);
            event.target.value = '';
            onAdd(files);
          }}
        />
        <Button icon={<AttachRegular />} onClick={() => input.current?.click()}>
          {t('compose.attach')}
        </Button>
        <Text size={200} data-testid="attachment-limit">
          {maxSizeMb === null ? t('compose.dropHint') : t('compose.dropHintLimit', { max: maxSizeMb })}
        </Text>
        {uploading > 0 ? (
          <Text size={200} role="status" data-testid="attachment-uploading">
            {t('compose.uploading', { count: uploading })}
          </Text>
        ) : null}
      </div>
      {attachments.length || forwardedOriginal ? (
        <ul className={styles.list} aria-label={t('compose.attachments')}>
          {forwardedOriginal ? (
            <li data-testid="forwarded-original">
              <MailRegular aria-hidden="true" /> {forwardedOriginal}
            </li>
          ) : null}
          {attachments.map((a, i) => {
            const tooLarge = a.size > limit;
            return (
              <li key={`${a.filename}-${i}`} data-testid="compose-attachment" data-too-large={String(tooLarge)}>
                <span className={tooLarge ? styles.tooLarge : undefined}>
                  {a.filename} ({formatSize(a.size)}){tooLarge ? ` — ${t('compose.attachmentTooLarge', { max: maxSizeMb ?? 0 })}` : ''}
                </span>
                <Button
                  size="small"
                  appearance="subtle"
                  icon={<DismissRegular />}
                  aria-label={t('compose.removeAttachment', { name: a.filename })}
                  onClick={() => onChange((list) => list.filter((_, j) => j !== i))}
                />
              </li>
            );
          })}
        </ul>
      ) : null}
    </div>
  );
}
