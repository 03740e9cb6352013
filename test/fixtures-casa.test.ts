import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEMO_DIR } from '../fixtures/casa/generate.js';
import { writeCasaWorkdir } from '../fixtures/casa/workdirs.js';

function files(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => relative(dir, join(d.parentPath, d.name)))
    .sort();
}

describe('committed demo fixture', () => {
  it('is exactly what the generator writes (regenerate with tsx fixtures/casa/generate.ts)', () => {
    const fresh = mkdtempSync(join(tmpdir(), 'demo-'));
    writeCasaWorkdir(fresh, 'exit-overridden');
    expect(files(DEMO_DIR)).toEqual(files(fresh));
    for (const f of files(fresh)) expect(readFileSync(join(DEMO_DIR, f)).equals(readFileSync(join(fresh, f))), f).toBe(true);
  });
});
