import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AtomicFile, pendingTemporaries, removeAllTemporaries, writeFileAtomic } from '../../../shared/io/atomic.js';
import { OutputError } from '../../../shared/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'atomic-'));

describe('atomic outputs', () => {
  it('replaces the destination only on commit', () => {
    const path = join(dir, 'a.json');
    writeFileSync(path, 'old');
    const f = new AtomicFile(path);
    f.write('new ');
    f.write(Buffer.from('content'));
    expect(readFileSync(path, 'utf8')).toBe('old');
    expect(pendingTemporaries()).toHaveLength(1);
    f.commit();
    expect(readFileSync(path, 'utf8')).toBe('new content');
    expect(readdirSync(dir)).toEqual(['a.json']);
  });

  it('abort leaves the destination untouched and no temporary behind', () => {
    const path = join(dir, 'b.json');
    writeFileSync(path, 'keep');
    const f = new AtomicFile(path);
    f.write('partial');
    f.abort();
    expect(readFileSync(path, 'utf8')).toBe('keep');
    expect(readdirSync(dir).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it("takes away a SIGKILLed run's temporaries of the same output, and leaves a live process's", () => {
    const sub = mkdtempSync(join(dir, 'stale-'));
    const dead = spawnSync('true').pid!; // exited: its pid is no longer alive
    writeFileSync(join(sub, `.d.json.tmp-${dead}-0badc0de`), 'half');
    writeFileSync(join(sub, `.d.json.tmp-${process.ppid}-0badc0de`), 'a live writer');
    writeFileSync(join(sub, `.other.json.tmp-${dead}-0badc0de`), 'another output');
    writeFileAtomic(join(sub, 'd.json'), 'whole');
    expect(readdirSync(sub).sort()).toEqual([`.d.json.tmp-${process.ppid}-0badc0de`, `.other.json.tmp-${dead}-0badc0de`, 'd.json']);
  });

  it('removeAllTemporaries (the signal handler) deletes every open temporary', () => {
    const f = new AtomicFile(join(dir, 'c.json'));
    f.write('x');
    removeAllTemporaries();
    expect(existsSync(f.tmpPath)).toBe(false);
    expect(existsSync(join(dir, 'c.json'))).toBe(false);
  });

  it('a missing destination directory is a cannot-create error naming the path', () => {
    expect(() => writeFileAtomic(join(dir, 'nope', 'x.json'), 'x')).toThrow(OutputError);
    expect(() => writeFileAtomic(join(dir, 'nope', 'x.json'), 'x')).toThrow(/nope\/x\.json/);
  });
});
