/** Delivers one new client message to a demo team mailbox over LMTP (live-update demo and e2e tests). */
import { deliverLmtp } from '../../test/support/lmtp-deliver.js';
import { liveMessage, toRfc822, type DemoMessage } from '../../test/support/fixtures/demo-messages.js';
import type { DemoInfo } from './start-demo-env.js';

let sequence = 0;

export async function deliverDemoMessage(info: Pick<DemoInfo, 'lmtpPort'>, team: 'perhepalvelut' | 'aikuissosiaalityo'): Promise<DemoMessage> {
  sequence += 1;
  const message = liveMessage(team, sequence);
  await deliverLmtp(info.lmtpPort, team, toRfc822(message));
  return message;
}
