/**
 * The run root from the shell (scripts/test-all.sh):
 *   run-root.ts create <prefix>   prints a new run root (0711, reachable by the servers' users)
 *   run-root.ts clean <root>      stops this run's leftover agents and servers under it, removes it
 */
import { cleanRunRoot } from '../../test/support/clean-run-root.js';
import { makeRunRoot } from '../../test/support/run-root.js';

const [command, arg] = process.argv.slice(2);
if (command === 'create' && arg) {
  process.stdout.write(`${makeRunRoot(arg)}\n`);
} else if (command === 'clean' && arg) {
  await cleanRunRoot(arg, (message) => process.stderr.write(`warning: ${message}\n`));
} else {
  process.stderr.write('usage: run-root.ts create <prefix> | clean <root>\n');
  process.exit(2);
}
