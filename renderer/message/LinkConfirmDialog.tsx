import { Button, Dialog, DialogActions, DialogBody, DialogContent, DialogSurface, DialogTitle, makeStyles, tokens } from '@fluentui/react-components';
import { useT } from '../i18n/use-t.js';

const useStyles = makeStyles({
  url: {
    display: 'block',
    marginTop: tokens.spacingVerticalS,
    padding: tokens.spacingHorizontalS,
    backgroundColor: tokens.colorNeutralBackground3,
    color: tokens.colorNeutralForeground1,
    wordBreak: 'break-all',
    fontFamily: tokens.fontFamilyMonospace,
  },
});

interface Props {
  url: string | null;
  onCancel: () => void;
  onConfirm: (url: string) => void;
}

/** Shows the whole address: a link's text can say anything, its href is what would open. */
export function LinkConfirmDialog({ url, onCancel, onConfirm }: Props) {
  const t = useT();
  const styles = useStyles();
  return (
    <Dialog open={url !== null} onOpenChange={(_e, data) => (data.open ? undefined : onCancel())} modalType="modal">
      <DialogSurface data-testid="link-dialog">
        <DialogBody>
          <DialogTitle>{t('link.title')}</DialogTitle>
          <DialogContent>
            {t('link.body')}
            <code className={styles.url} data-testid="link-dialog-url">
              {url}
            </code>
          </DialogContent>
          <DialogActions>
            <Button appearance="secondary" onClick={onCancel}>
              {t('link.cancel')}
            </Button>
            <Button appearance="primary" data-testid="link-dialog-open" onClick={() => url && onConfirm(url)}>
              {t('link.open')}
            </Button>
          </DialogActions>
        </DialogBody>
      </DialogSurface>
    </Dialog>
  );
}
