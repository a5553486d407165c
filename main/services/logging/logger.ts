/**
 * Structured logging with redaction. Fields whose names look like secrets or content are dropped
 * before anything is written: message bodies, subjects and passwords must never reach a log.
 */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  child(subsystem: string): Logger;
}

const REDACTED_KEYS = /pass|secret|token|key|auth|body|html|text|subject|content|cookie/i;

export function redact(fields: Record<string, unknown> | undefined): Record<string, unknown> | undefined {
  if (!fields) return undefined;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    out[key] = REDACTED_KEYS.test(key) ? '[redacted]' : value;
  }
  return out;
}

type Level = 'debug' | 'info' | 'warn' | 'error';
export type LogLevel = Level;
const ORDER: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export function createLogger(subsystem = 'sinetti', options: { level?: Level; sink?: (line: string) => void } = {}): Logger {
  const min = ORDER[options.level ?? (process.env.SINETTI_LOG_LEVEL as Level | undefined) ?? 'info'] ?? ORDER.info;
  const sink = options.sink ?? ((line: string) => process.stderr.write(line + '\n'));
  const write = (level: Level, message: string, fields?: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    sink(JSON.stringify({ t: new Date().toISOString(), level, subsystem, message, ...redact(fields) }));
  };
  return {
    debug: (m, f) => write('debug', m, f),
    info: (m, f) => write('info', m, f),
    warn: (m, f) => write('warn', m, f),
    error: (m, f) => write('error', m, f),
    child: (name) => createLogger(`${subsystem}.${name}`, options),
  };
}

/**
 * A logger that drops lines below a level asked at every line, so IT's `logging.level` applies
 * while running. It can only hold back what the underlying logger writes (a debug line still
 * needs an underlying logger at debug).
 */
export function withLevel(inner: Logger, level: () => Level): Logger {
  const pass = (at: Level) => ORDER[at] >= (ORDER[level()] ?? ORDER.info);
  return {
    debug: (m, f) => (pass('debug') ? inner.debug(m, f) : undefined),
    info: (m, f) => (pass('info') ? inner.info(m, f) : undefined),
    warn: (m, f) => (pass('warn') ? inner.warn(m, f) : undefined),
    error: (m, f) => (pass('error') ? inner.error(m, f) : undefined),
    child: (name) => withLevel(inner.child(name), level),
  };
}
