/**
 * Inserting a saved reply (template) or a signature of the sending identity, in any of the three
 * languages, at the cursor; and the way to the settings where they are edited.
 */
import { Button, Menu, MenuDivider, MenuGroup, MenuGroupHeader, MenuItem, MenuList, MenuPopover, MenuTrigger } from '@fluentui/react-components';
import { TextBulletListAddRegular } from '@fluentui/react-icons';
import type { ComposeSettings } from '../../shared/send-schema.js';
import { useT } from '../i18n/use-t.js';

interface Props {
  settings: ComposeSettings | null;
  identityKey: string | null;
  onInsert: (text: string, kind: 'template' | 'signature') => void;
  onManage: () => void;
}

export function InsertMenu({ settings, identityKey, onInsert, onManage }: Props) {
  const t = useT();
  const signatures = settings?.signatures.filter((s) => s.identity === identityKey && s.text.trim()) ?? [];
  const templates = settings?.templates ?? [];
  return (
    <Menu>
      <MenuTrigger disableButtonEnhancement>
        <Button icon={<TextBulletListAddRegular />} data-testid="insert-menu" aria-haspopup="menu">
          {t('compose.insert')}
        </Button>
      </MenuTrigger>
      <MenuPopover>
        <MenuList>
          {templates.length ? (
            <MenuGroup>
              <MenuGroupHeader>{t('compose.templates')}</MenuGroupHeader>
              {templates.map((tpl) => (
                <MenuItem key={tpl.id} data-testid="insert-template" data-id={tpl.id} onClick={() => onInsert(tpl.text, 'template')}>
                  {tpl.name} ({t(`language.${tpl.locale}`)})
                </MenuItem>
              ))}
            </MenuGroup>
          ) : null}
          {signatures.length ? (
            <MenuGroup>
              <MenuGroupHeader>{t('compose.signatures')}</MenuGroupHeader>
              {signatures.map((s) => (
                <MenuItem key={s.locale} data-testid="insert-signature" data-locale={s.locale} onClick={() => onInsert(s.text, 'signature')}>
                  {t('compose.signatureIn', { language: t(`language.${s.locale}`) })}
                </MenuItem>
              ))}
            </MenuGroup>
          ) : null}
          {templates.length || signatures.length ? <MenuDivider /> : null}
          <MenuItem data-testid="manage-compose-settings" onClick={onManage}>
            {t('compose.manage')}
          </MenuItem>
        </MenuList>
      </MenuPopover>
    </Menu>
  );
}
