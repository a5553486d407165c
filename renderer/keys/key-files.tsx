/** Armored keys and grants to and from files: a labelled native file input, and saving through the host's download path. */
import { makeStyles, tokens } from '@fluentui/react-components';
import { useId } from 'react';
import { saveAttachment } from '../message/save-attachment.js';

const useStyles = makeStyles({
  row: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS },
});

/** Armored text is ASCII: read as text, capped well above any key or grant. */
const MAX_BYTES = 512 * 1024;

export function KeyFileInput({ label, onText, testId }: { label: string; onText: (text: string) => void; testId: string }) {
  const id = useId();
  const styles = useStyles();
  return (
    <div className={styles.row}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        type="file"
        accept=".asc,.gpg,.pgp,.txt,application/pgp-keys,text/plain"
        data-testid={testId}
        onChange={(event) => {
          const file = event.target.files?.[0];
          event.target.value = '';
          if (file && file.size <= MAX_BYTES) void file.text().then(onText);
        }}
      />
    </div>
  );
}

export function saveArmored(armored: string, filename: string): void {
  const bytes = new TextEncoder().encode(armored);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  saveAttachment({ filename, mimeType: 'application/pgp-keys', contentBase64: btoa(binary) });
}
