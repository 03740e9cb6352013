/**
 * The commit stamped into the binary: the short HEAD commit, plus "-dirty" when any input of
 * the binary (SOURCE_PATHS) has uncommitted or untracked changes, so a binary built from an
 * edited tree can never pass for the clean commit.
 */
import { execFileSync } from 'node:child_process';
import { SOURCE_PATHS } from './paths.js';

function git(root: string, args: string[]): string {
  return execFileSync('git', args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function buildCommit(root: string): string {
  let head: string;
  try {
    head = git(root, ['rev-parse', '--short=12', 'HEAD']);
  } catch (err) {
    throw new Error(`cannot read the git commit of ${root} (${(err as Error).message.split('\n')[0]}); build from a git checkout`);
  }
  const changes = git(root, ['status', '--porcelain', '--', ...SOURCE_PATHS]);
  return changes === '' ? head : `${head}-dirty`;
}
