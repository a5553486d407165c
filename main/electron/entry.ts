/** The Electron main-process entry (bundled to dist/electron/main.cjs). Its only job: call main(). */
import { app, dialog } from 'electron';
import { main } from './main.js';

main().catch((error: unknown) => {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`Sinetti could not start: ${message}\n`);
  dialog.showErrorBox('Sinetti could not start', message);
  app.exit(1);
});
