/**
 * How the message will leave, and the choices the decision leaves to the person — never a looser
 * route than the rules give:
 *  - "as the rules allow" or "securely": the secure choice re-checks the message as a secure
 *    conversation (OpenPGP where there is a key, the gateway for the rest);
 *  - a written justification when the rules accept plain mail only with one;
 *  - the recipient's mobile number for the gateway's SMS PIN, when the policy asks for it.
 * The send gate checks all of it again on the final message.
 */
import { Field, Input, Radio, RadioGroup, Text, Textarea, makeStyles, tokens } from '@fluentui/react-components';
import type { Policy } from '../../shared/policy-schema.js';
import { displayAddress } from '../../shared/outgoing-address.js';
import type { DecisionView } from '../../shared/send-schema.js';
import { useT } from '../i18n/use-t.js';

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalS },
  summary: { margin: 0, paddingInlineStart: tokens.spacingHorizontalL },
});

interface Props {
  decision: DecisionView;
  gateway: Policy['gateway'] | null;
  justificationMin: number;
  secure: boolean;
  onSecure: (secure: boolean) => void;
  justification: string;
  onJustification: (text: string) => void;
  mobileNumber: string;
  onMobileNumber: (text: string) => void;
}

export function RouteChooser({ decision, gateway, justificationMin, secure, onSecure, justification, onJustification, mobileNumber, onMobileNumber }: Props) {
  const t = useT();
  const styles = useStyles();
  const byRoute = (route: string) => decision.recipients.filter((r) => r.route === route).map((r) => displayAddress(r.address));
  const encrypted = byRoute('openpgp');
  const viaGateway = byRoute('gateway');
  // A choice exists while the message could leave less protected than "securely".
  const canChoose = secure || decision.recipients.some((r) => r.route === 'plain');
  const mobile = viaGateway.length > 0 && gateway !== null && gateway.mobileNumber !== 'off';

  return (
    <section className={styles.root} aria-label={t('compose.routeChooser')} data-testid="route-chooser">
      {canChoose ? (
        <RadioGroup
          value={secure ? 'secure' : 'allowed'}
          onChange={(_e, d) => onSecure(d.value === 'secure')}
          aria-label={t('compose.routeChooser')}
          layout="vertical"
        >
          <Radio
            value="allowed"
            data-testid="route-allowed"
            label={decision.justificationRequired && !secure ? t('compose.choice.justify') : t('compose.choice.allowed')}
          />
          <Radio value="secure" data-testid="route-secure" label={t('compose.choice.secure')} />
        </RadioGroup>
      ) : null}
      {encrypted.length || viaGateway.length ? (
        <ul className={styles.summary} data-testid="route-summary">
          {encrypted.length ? <li>{t('compose.summary.openpgp', { addresses: encrypted.join(', ') })}</li> : null}
          {viaGateway.length ? <li>{t('compose.summary.gateway', { addresses: viaGateway.join(', ') })}</li> : null}
        </ul>
      ) : null}
      {decision.justificationRequired ? (
        <Field
          label={t('compose.justification')}
          required
          hint={t('compose.justificationHint', { min: justificationMin })}
          validationState={justification.trim().length >= justificationMin || !justification ? 'none' : 'warning'}
        >
          <Textarea value={justification} onChange={(_e, d) => onJustification(d.value)} rows={2} autoComplete="off" data-testid="justification" />
        </Field>
      ) : null}
      {mobile ? (
        <Field label={t('compose.mobile')} hint={t('compose.mobileHint')} required={gateway!.mobileNumber === 'required'}>
          <Input value={mobileNumber} onChange={(_e, d) => onMobileNumber(d.value)} type="tel" autoComplete="off" data-testid="mobile-number" />
        </Field>
      ) : null}
      {viaGateway.length && gateway?.mobileNumber === 'off' ? <Text size={200}>{t('compose.mobileOff')}</Text> : null}
    </section>
  );
}
