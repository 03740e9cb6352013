/**
 * Workflow events on loopback, against a private RabbitMQ started for the run (as the tests do):
 * - events per second published with confirms (the library's publisher, 10,000 events);
 * - the wall time a broker adds: the same tool run (annotateQa on the committed QL fixture)
 *   with and without a broker configured, side by side, and the publisher alone doing what a
 *   run that emits 20 events does (connect, declare, 20 confirmed events, close).
 * Target (issue 10): under 50 ms added for a run that emits 20 events.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { DIST_DIR } from '../build/paths.js';
import { createLogger } from '../shared/log.js';
import { EventPublisher, sourceOf, type EventsSettings } from '../shared/events/index.js';
import { TestBroker, rabbitmqInstalled } from '../test/helpers/rabbitmq.js';
import { machineLine, measure, median, table } from './lib/measure.js';

async function publishBatch(settings: EventsSettings, n: number): Promise<number> {
  const log = await createLogger({ tool: 'bench', level: 'warn', destination: new PassThrough().resume(), pretty: false });
  const p = new EventPublisher({ settings, source: sourceOf('bench', '0'), workflow: { name: 'bench' }, log });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) p.emit({ kind: 'node', state: 'progress', node: 'bench', step: `s${i}`, progress: i / n });
  const report = await p.flush();
  if (report.delivered !== n) throw new Error(`only ${report.delivered} of ${n} events confirmed`);
  return (performance.now() - t0) / 1000;
}

export async function benchEvents(runs = 5): Promise<string> {
  if (!rabbitmqInstalled()) throw new Error('rabbitmq-server is not installed: apt-get install rabbitmq-server');
  const broker = await TestBroker.create();
  try {
    const tmp = mkdtempSync(join(tmpdir(), 'bench-events-'));
    const settings: EventsSettings = {
      env: 'dev',
      spoolDir: join(tmp, 'spool'),
      broker: { url: broker.url, displayUrl: broker.url, connectTimeoutMs: 3000, confirmTimeoutMs: 30_000 },
    };
    const big: number[] = [];
    const twenty: number[] = [];
    await publishBatch(settings, 100); // declare the topology once before timing
    for (let r = 0; r < runs; r++) {
      big.push(await publishBatch(settings, 10_000));
      twenty.push(await publishBatch(settings, 20));
    }
    const perSecond = 10_000 / median(big);

    writeFileSync(join(tmp, 'with-broker.properties'), `edu.nrao.vlass.events.amqp.url = ${broker.url}\nedu.nrao.vlass.events.spoolDir = ${join(tmp, 'spool')}\n`);
    writeFileSync(join(tmp, 'without-broker.properties'), '# embedded defaults: no broker\n');
    const out = mkdtempSync(join(tmp, 'out-'));
    const exe = join(DIST_DIR, 'annotateQa');
    const args = ['--dir', 'fixtures/vlass/small/ql', '--out', out, '--log-level', 'warn', '--capo-path', tmp];
    const results = measure(
      [
        { name: 'annotateQa, no broker', command: [exe, ...args, '--capo-profile', 'without-broker'] },
        { name: 'annotateQa, broker configured', command: [exe, ...args, '--capo-profile', 'with-broker', '--require-events'] },
      ],
      Math.max(runs, 9),
    );
    const addedMs = (results[1].medianSeconds - results[0].medianSeconds) * 1000;
    return [
      '## Workflow events on loopback',
      '',
      `${machineLine()}; RabbitMQ ${(await broker.ctl(['version'])).trim()} started for the run on 127.0.0.1; ${runs} runs each.`,
      '',
      `- **${perSecond.toFixed(0)} events/s** published with confirms (10,000 persistent events per run; median ${median(big).toFixed(2)} s; runs ${big.map((s) => s.toFixed(2)).join(', ')} s).`,
      `- publisher alone for a run's 20 events (connect, declare the topology, 20 confirmed events, close): median **${(median(twenty) * 1000).toFixed(1)} ms** (runs ${twenty.map((s) => (s * 1000).toFixed(1)).join(', ')} ms); target < 50 ms added: ${median(twenty) * 1000 < 50 ? 'met' : 'NOT met'}.`,
      `- the built tool, with and without a broker (annotateQa on the committed QL fixture; with a broker it emits 7 node events: started, 5 steps, done, and waits for their confirms):`,
      '',
      table(results),
      '',
      `- added wall time: **${addedMs.toFixed(1)} ms** (target < 50 ms for 20 events): ${addedMs < 50 ? 'met' : 'NOT met'}.`,
      '',
      'Reproduce: `npm run build && npm run bench -- events`.',
      '',
    ].join('\n');
  } finally {
    await broker.destroy();
  }
}
