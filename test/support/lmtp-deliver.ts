/** Delivers one message over LMTP (the real protocol Dovecot's MTA uses), from any test process. */
import { connect } from 'node:net';

export async function deliverLmtp(port: number, recipient: string, raw: string | Buffer, domain = 'sinetti.test'): Promise<void> {
  const rcpt = recipient.includes('@') ? recipient : `${recipient}@${domain}`;
  // The protocol is 8-bit clean: send the message's bytes (UTF-8 for strings) unchanged.
  const body = (Buffer.isBuffer(raw) ? raw : Buffer.from(raw, 'utf8')).toString('latin1');
  // Dot-stuffing and CRLF line ends, as RFC 5321 requires.
  const data = body.replace(/\r?\n/g, '\r\n').replace(/^\./gm, '..');
  const socket = connect(port, '127.0.0.1');
  socket.setEncoding('latin1');
  let buffer = '';
  const waiters: ((line: string) => void)[] = [];
  socket.on('data', (chunk: string) => {
    buffer += chunk;
    let index: number;
    while ((index = buffer.indexOf('\r\n')) >= 0) {
      const line = buffer.slice(0, index);
      buffer = buffer.slice(index + 2);
      if (/^\d{3} /.test(line)) waiters.shift()?.(line);
    }
  });
  const reply = () =>
    new Promise<string>((resolve, reject) => {
      waiters.push(resolve);
      socket.once('error', reject);
    });
  const expectCode = async (code: string, what: string) => {
    const line = await reply();
    if (!line.startsWith(code)) throw new Error(`LMTP ${what} failed: ${line}`);
  };
  try {
    await expectCode('220', 'greeting');
    socket.write('LHLO sinetti.test\r\n');
    await expectCode('250', 'LHLO');
    socket.write('MAIL FROM:<test@sinetti.test>\r\n');
    await expectCode('250', 'MAIL FROM');
    socket.write(`RCPT TO:<${rcpt}>\r\n`);
    await expectCode('250', 'RCPT TO');
    socket.write('DATA\r\n');
    await expectCode('354', 'DATA');
    socket.write(`${data}${data.endsWith('\r\n') ? '' : '\r\n'}.\r\n`, 'latin1');
    await expectCode('250', 'delivery');
    socket.write('QUIT\r\n');
  } finally {
    socket.end();
  }
}
