/**
 * The Quick Look rule defaults, loaded from capo/defaults-annotateQa.properties by themselves
 * (embedded under a lower-case name, so these tests check the file's content whatever the
 * loader's file-name rules; the tool test checks the real embedding).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadCapo, type CapoConfig } from '../../../shared/capo/capo.js';
import { REPO_ROOT } from '../../helpers/realdata.js';

/** The documented key prefix of the Quick Look rules (docs/annotateQa.md). */
export const QL_RULE_PREFIX = 'edu.nrao.vlass.annotateQa.rule';

export function qlDefaults(): CapoConfig {
  const text = readFileSync(join(REPO_ROOT, 'capo', 'defaults-annotateQa.properties'), 'utf8');
  return loadCapo({ embedded: { 'defaults-annotateqa.properties': text }, env: {}, home: '/nonexistent' });
}
