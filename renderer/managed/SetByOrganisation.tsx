/** The mark on a value the organisation enforces: the control beside it is disabled. */
import { Badge } from '@fluentui/react-components';
import { BuildingRegular } from '@fluentui/react-icons';
import { useT } from '../i18n/use-t.js';

export function SetByOrganisation({ testId }: { testId?: string }) {
  const t = useT();
  return (
    <Badge appearance="tint" color="informative" icon={<BuildingRegular />} data-testid={testId ?? 'set-by-organisation'}>
      {t('managed.setByOrganisation')}
    </Badge>
  );
}
