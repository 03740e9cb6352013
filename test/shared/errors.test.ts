import { describe, expect, it } from 'vitest';
import { ConfigError, DataError, ExitCode, InputMissingError, IoError, OutputError, TemporaryError, UsageError, exitCodeFor, fsError } from '../../shared/errors.js';

describe('exit codes', () => {
  it('maps each error class to its sysexits code', () => {
    expect(exitCodeFor(new UsageError('u'))).toBe(64);
    expect(exitCodeFor(new DataError('d'))).toBe(65);
    expect(exitCodeFor(new InputMissingError('m'))).toBe(66);
    expect(exitCodeFor(new OutputError('o'))).toBe(73);
    expect(exitCodeFor(new IoError('i'))).toBe(74);
    expect(exitCodeFor(new TemporaryError('t'))).toBe(75);
    expect(exitCodeFor(new ConfigError('c'))).toBe(78);
    expect(ExitCode.SIGINT).toBe(130);
    expect(ExitCode.SIGTERM).toBe(143);
  });
  it('classifies unwrapped Node errors by errno, and bugs as 70', () => {
    const e = (code: string) => Object.assign(new Error(code), { code });
    expect(exitCodeFor(e('ENOENT'))).toBe(66);
    expect(exitCodeFor(e('ENOSPC'))).toBe(74);
    expect(exitCodeFor(e('ECONNREFUSED'))).toBe(75);
    expect(exitCodeFor(new TypeError('x is undefined'))).toBe(70);
  });
  it('fsError keeps one line naming the path', () => {
    const err = fsError(Object.assign(new Error("ENOSPC: no space left on device, write"), { code: 'ENOSPC' }), '/out/x.json', 'writing');
    expect(err).toBeInstanceOf(IoError);
    expect(err.message).toBe('/out/x.json: write failed (ENOSPC: no space left on device); free space and re-run');
    expect(fsError(Object.assign(new Error('ENOENT'), { code: 'ENOENT' }), '/in/y', 'reading').message).toBe('/in/y: not found');
  });
});
