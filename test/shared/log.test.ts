import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, registerSecrets, setStage } from '../../shared/log.js';

function capture() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  stream.on('data', (d: Buffer) => d.toString().trim().split('\n').forEach((l) => lines.push(JSON.parse(l))));
  return { stream, lines };
}

describe('logger', () => {
  it('stamps tool, version and the current stage on every record', async () => {
    const { stream, lines } = capture();
    const log = await createLogger({ tool: 'casa-verdict', destination: stream, pretty: false });
    setStage('reading');
    log.info('hello');
    await new Promise((r) => setImmediate(r));
    expect(lines[0]).toMatchObject({ tool: 'casa-verdict', stage: 'reading', msg: 'hello', level: 'info' });
    expect(String(lines[0].version)).toMatch(/^\d+\.\d+\.\d+ \(/);
  });

  it('scrubs registered secret values and secret-named fields', async () => {
    const { stream, lines } = capture();
    const log = await createLogger({ tool: 't', destination: stream, pretty: false });
    registerSecrets(['hunter2-secret-value']);
    log.info({ url: 'amqp://u:hunter2-secret-value@host', password: 'x' }, 'connecting with hunter2-secret-value');
    await new Promise((r) => setImmediate(r));
    const text = JSON.stringify(lines[0]);
    expect(text).not.toContain('hunter2-secret-value');
    expect(lines[0]).toMatchObject({ password: '[redacted]', url: 'amqp://u:[redacted]@host', msg: 'connecting with [redacted]' });
  });
});
