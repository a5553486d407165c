/**
 * IMAP stays inside main/services/mail: nothing else in the product imports imapflow (not even a
 * type), so connection handling, imapflow's pitfalls (see PLATFORM-NOTES) and raw commands have one
 * home. Other services reach a server through interfaces that mail/ implements.
 *
 * Tests: integration and end-to-end tests may use imapflow directly as an independent IMAP client
 * at the real server — to check what arrived, race the app as a second person, or change a
 * mailbox behind its back. That client must not be the code under test, or a bug in mail/ would
 * hide itself. Unit tests (no servers) and test/support (server set-up speaks doveadm, LMTP and
 * raw sockets) get no exception.
 */
import { describe, expect, it } from 'vitest';
import { importedModules, importsOf, sourceFiles } from './source-imports.js';

const HOME = 'main/services/mail/';
/** Directories whose files may use imapflow as an independent client at a real server (above). */
const INDEPENDENT_CLIENTS = ['test/integration/', 'test/e2e/', 'test/e2e-electron/'];
/**
 * imapflow's own parser as the reference the bulk header parser is checked against (an oracle,
 * never the code under test).
 */
const ORACLES = ['test/unit/services/bulk-fetch-parser.test.ts'];
/** The architecture tests hold imports of imapflow as samples, in strings. */
const SAMPLES = 'test/unit/architecture/';
const IMAPFLOW = /^imapflow(\/.*)?$/;

const loadsImapflow = (modules: string[]) => modules.some((m) => IMAPFLOW.test(m));

describe('imapflow stays in main/services/mail', () => {
  it('detects every way of loading imapflow, types included', () => {
    const samples = [
      "import { ImapFlow } from 'imapflow';",
      "import type { ImapFlow } from 'imapflow';",
      "type ImapClient = import('imapflow').ImapFlow;",
      "const { ImapFlow } = require('imapflow');",
      "export type { FetchMessageObject } from 'imapflow';",
      "const m = await import('imapflow');",
    ];
    for (const sample of samples) expect(loadsImapflow(importedModules(sample)), sample).toBe(true);
    expect(loadsImapflow(importedModules("import { x } from './imapflow-helpers.js'; import y from 'imapflowish';"))).toBe(false);
  });

  it('is imported only by main/services/mail (and by tests as an independent client)', () => {
    const files = sourceFiles('main', 'shared', 'renderer', 'preload', 'scripts', 'bench', 'test');
    expect(files.length).toBeGreaterThan(50);
    const offenders = files
      .filter(
        (file) => !file.startsWith(HOME) && !file.startsWith(SAMPLES) && !ORACLES.includes(file) && !INDEPENDENT_CLIENTS.some((dir) => file.startsWith(dir)),
      )
      .filter((file) => loadsImapflow(importsOf(file).map((m) => m.specifier)));
    expect(offenders, 'these files load imapflow outside main/services/mail').toEqual([]);
  });
});
