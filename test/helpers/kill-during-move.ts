/**
 * A process that moves files into QA_REJECTED and is SIGKILLed at a chosen point of the move
 * (test/shared/qa/reject.test.ts): no clean-up can run, as when HTCondor kills a job hard.
 *   node --import tsx kill-during-move.ts <hook> <index> <root> <forceCopy> <file>...
 * hook: beforePlace | afterCopy | beforeRelease; index: the file at which to die.
 */
import { moveToRejected } from '../../shared/qa/reject.js';

const [hook, indexText, root, forceCopy, ...files] = process.argv.slice(2);
const at = Number(indexText);
const die = () => process.kill(process.pid, 'SIGKILL');
let copies = 0;
moveToRejected(files, root, {
  forceCopy: forceCopy === 'true',
  beforePlace: (_, i) => (hook === 'beforePlace' && i === at ? die() : undefined),
  afterCopy: () => (hook === 'afterCopy' && copies++ === at ? die() : undefined),
  beforeRelease: (_, i) => (hook === 'beforeRelease' && i === at ? die() : undefined),
});
// Reached only when the hook never fired: the move completed.
process.exit(3);
