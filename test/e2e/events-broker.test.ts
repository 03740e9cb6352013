/**
 * Workflow events against a real RabbitMQ (Debian's rabbitmq-server, started by the test on
 * loopback): order and fields, 10,000 confirmed events, a broker stopped mid-run and restarted,
 * durable queues across a broker restart, wrong credentials, a malformed message dead-lettered,
 * and the password kept out of every log line. Through the library and the built executables.
 */
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { connect, type Channel, type ChannelModel } from 'amqplib';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../../shared/log.js';
import {
  EventPublisher,
  acceptDelivery,
  declareTopology,
  exchangeName,
  managerQueues,
  sourceOf,
  type EventsSettings,
  type EventFields,
  type VlassEvent,
} from '../../shared/events/index.js';
import { TestBroker, brokerSkipReason } from '../helpers/rabbitmq.js';
import { copyBuild } from '../build/built.js';
import { writeCasaWorkdir } from '../../fixtures/casa/workdirs.js';
import { updateHeaderKeywords } from '../../shared/fits/index.js';
import { REPO_ROOT } from '../helpers/realdata.js';

const SMALL_QL = join(REPO_ROOT, 'fixtures', 'vlass', 'small', 'ql');

const skip = brokerSkipReason();
if (skip) console.warn(`events-broker.test.ts: ${skip}`);

const ENV = 'test' as const;
const [PROCESSING, INGESTION] = managerQueues(ENV);

let broker: TestBroker;
let tmp: string;
let bin: string;
let admin: ChannelModel;
let channel: Channel;

beforeAll(async () => {
  if (skip) return;
  tmp = mkdtempSync(join(tmpdir(), 'vlass-events-'));
  [broker] = await Promise.all([TestBroker.create(), copyBuild(join(tmp, 'bin')).then(() => undefined)]);
  bin = join(tmp, 'bin');
  await openAdmin();
}, 240_000);

afterAll(async () => {
  if (skip) return;
  await admin?.close().catch(() => undefined);
  await broker?.destroy();
  rmSync(tmp, { recursive: true, force: true });
}, 120_000);

async function openAdmin(): Promise<void> {
  admin = await connect(broker.url);
  admin.on('error', () => undefined);
  await declareTopology(admin, ENV);
  channel = await admin.createChannel();
  channel.on('error', () => undefined);
}

beforeEach(async () => {
  if (skip) return;
  for (const q of [PROCESSING, INGESTION]) {
    await channel.purgeQueue(q.name);
    await channel.purgeQueue(q.deadLetterQueue);
  }
});

function settings(url = broker.url, spoolDir = mkdtempSync(join(tmp, 'spool-'))): EventsSettings {
  const display = new URL(url);
  if (display.password) display.password = 'redacted';
  return { env: ENV, spoolDir, broker: { url, displayUrl: display.href, connectTimeoutMs: 2000, confirmTimeoutMs: 10_000 } };
}

async function capturedLogger() {
  const stream = new PassThrough();
  let text = '';
  stream.on('data', (d) => (text += d));
  const log = await createLogger({ tool: 'events-test', level: 'debug', destination: stream, pretty: false });
  return { log, text: () => text };
}

function publisherFor(s: EventsSettings, log: Awaited<ReturnType<typeof capturedLogger>>['log'], requireDelivery = false) {
  return new EventPublisher({ settings: s, source: sourceOf('events-test', '0.0.0 (test)'), workflow: { name: 'quicklook', requestId: 'r42' }, log, requireDelivery });
}

/** Every message in a queue, acknowledged, as parsed JSON. */
async function drain(queue: string): Promise<VlassEvent[]> {
  const out: VlassEvent[] = [];
  for (;;) {
    const m = await channel.get(queue, { noAck: true });
    if (!m) return out;
    out.push(JSON.parse(m.content.toString()) as VlassEvent);
  }
}

const stageEvent = (i: number): EventFields => ({ kind: 'stage', state: 'progress', stage: 'running casa', progress: i / 10_000, message: `step ${i}` });

describe.skipIf(skip)('events through a real broker', () => {
  it('arrive in order with every field, routed to the manager queues by kind', async () => {
    const { log } = await capturedLogger();
    const p = publisherFor(settings(), log);
    const sent = [
      p.emit({ kind: 'workflow', state: 'started', resultsDir: '/lustre/results/r42' }),
      p.emit({ kind: 'stage', state: 'started', stage: 'gathering data', node: 'fetch' }),
      p.emit({ kind: 'node', state: 'retrying', node: 'split_3', step: 'split', image: 'J005000-023000', ms: '/data/a.ms', progress: 0.5, exitCode: 75 }),
      p.emit({ kind: 'ingestion', state: 'done', productName: 'VLASS2.1.cal.123', message: 'ingested' }),
      p.emit({ kind: 'workflow', state: 'done', resultsDir: '/lustre/results/r42', exitCode: 0 }),
    ];
    const report = await p.flush();
    expect(report).toMatchObject({ emitted: 5, delivered: 5, spooled: 0 });
    expect(await drain(PROCESSING.name)).toEqual([sent[0], sent[1], sent[4]]);
    expect(await drain(INGESTION.name)).toEqual([sent[3]]);
  });

  it('publishes 10,000 events with confirms: none lost, none duplicated, in order', async () => {
    const { log } = await capturedLogger();
    const p = publisherFor(settings(), log);
    const ids: string[] = [];
    for (let i = 0; i < 10_000; i++) ids.push(p.emit(stageEvent(i)).id);
    const report = await p.flush();
    expect(report).toMatchObject({ emitted: 10_000, delivered: 10_000, spooled: 0 });
    const got = await drain(PROCESSING.name);
    const unique = [...new Map(got.map((e) => [e.id, e])).keys()];
    expect(unique).toEqual(ids);
  }, 60_000);

  it('spools what the broker cannot take when it stops mid-run, and the next run sends the spool first, in order', async () => {
    const s = settings();
    const first = await capturedLogger();
    const p = publisherFor(s, first.log);
    const before = [p.emit(stageEvent(1)), p.emit(stageEvent(2))];
    await new Promise((r) => setTimeout(r, 300)); // confirmed while the broker is up
    await admin.close().catch(() => undefined);
    await broker.stop();
    const during = [p.emit(stageEvent(3)), p.emit(stageEvent(4)), p.emit(stageEvent(5))];
    const report = await p.flush(); // never throws without requireDelivery
    expect(report.delivered).toBe(2);
    expect(report.spooled).toBe(3);
    expect(first.text().match(/unusable/g)).toHaveLength(1); // warned once
    const spoolFile = join(s.spoolDir, `${ENV}.spool.jsonl`);
    expect(readFileSync(spoolFile, 'utf8').trim().split('\n').map((l) => JSON.parse(l).id)).toEqual(during.map((e) => e.id));

    await broker.start();
    await openAdmin();
    const second = await capturedLogger();
    const q = publisherFor(s, second.log);
    const after = q.emit(stageEvent(6));
    expect(await q.flush()).toMatchObject({ delivered: 4, spooled: 0 });
    expect((await drain(PROCESSING.name)).map((e) => e.id)).toEqual([...before, ...during, after].map((e) => e.id));
    expect(readdirSync(s.spoolDir)).toEqual([]);
  }, 180_000);

  it('keeps persistent messages in the durable queues across a broker restart', async () => {
    const { log } = await capturedLogger();
    const p = publisherFor(settings(), log);
    const ids = Array.from({ length: 100 }, (_, i) => p.emit(stageEvent(i)).id);
    await p.flush();
    await admin.close().catch(() => undefined);
    await broker.stop();
    await broker.start();
    await openAdmin();
    expect((await drain(PROCESSING.name)).map((e) => e.id)).toEqual(ids);
  }, 180_000);

  it('rejects a malformed message to the dead-letter queue with a logged reason', async () => {
    const { log, text } = await capturedLogger();
    channel.publish(exchangeName(ENV), 'quicklook.workflow.done', Buffer.from('{"schema":"vlass.event/0","id":"x"}'), { persistent: true, messageId: 'bad-1' });
    channel.publish(exchangeName(ENV), 'quicklook.stage.done', Buffer.from('not json at all'), { persistent: true, messageId: 'bad-2' });
    const consumer = await admin.createChannel();
    const outcomes: Array<VlassEvent | undefined> = [];
    for (let i = 0; i < 2; i++) {
      let m = await consumer.get(PROCESSING.name, { noAck: false });
      for (let tries = 0; !m && tries < 50; tries++) {
        await new Promise((r) => setTimeout(r, 20));
        m = await consumer.get(PROCESSING.name, { noAck: false });
      }
      expect(m).toBeTruthy();
      outcomes.push(acceptDelivery(consumer, m as never, log));
    }
    expect(outcomes).toEqual([undefined, undefined]);
    await new Promise((r) => setTimeout(r, 200));
    const dead = [];
    for (let m = await consumer.get(PROCESSING.deadLetterQueue, { noAck: true }); m; m = await consumer.get(PROCESSING.deadLetterQueue, { noAck: true })) dead.push(m.properties.messageId);
    expect(dead).toEqual(['bad-1', 'bad-2']);
    expect(text()).toMatch(/rejected to the dead-letter queue: message bad-1 .*schema/);
    expect(text()).toMatch(/rejected to the dead-letter queue: message bad-2 .*not JSON/);
    await consumer.close();
  });
});

describe.skipIf(skip)('the executables with a broker', () => {
  const PASSWORD = 's3cr3t-Pa55';

  function capoProfile(url: string, spoolDir: string): string[] {
    const dir = mkdtempSync(join(tmp, 'capo-'));
    writeFileSync(join(dir, 'events-test.properties'), `edu.nrao.vlass.env = test\nedu.nrao.vlass.events.amqp.url = ${url}\nedu.nrao.vlass.events.spoolDir = ${spoolDir}\n`);
    return ['--capo-profile', 'events-test', '--capo-path', dir];
  }

  function tool(name: string, args: string[], env: Record<string, string> = {}) {
    return spawnSync(join(bin, name), args, { encoding: 'utf8', env: { PATH: '/nonexistent', HOME: tmp, ...env }, timeout: 60_000 });
  }

  it('vlass-events watch prints what vlass-events emit sends, and stops at the final event', async () => {
    const spool = mkdtempSync(join(tmp, 'spool-'));
    const capo = capoProfile(broker.url, spool);
    const watcher = spawn(join(bin, 'vlass-events'), ['watch', '--workflow', 'quicklook', ...capo], { env: { PATH: '/nonexistent', HOME: tmp } });
    let out = '';
    watcher.stdout.on('data', (d) => (out += d));
    const exited = new Promise<number | null>((r) => watcher.on('exit', r));
    // The watcher's queue exists once it logs its "watching" stage.
    let err = '';
    watcher.stderr.on('data', (d) => (err += d));
    for (let i = 0; i < 200 && !err.includes('watching'); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    const emit = (extra: string[]) => tool('vlass-events', ['emit', '--workflow', 'quicklook', '--request-id', 'r7', ...extra, ...capo]);
    expect(emit(['--kind', 'stage', '--state', 'started', '--stage', 'gathering data']).status).toBe(0);
    expect(emit(['--kind', 'ingestion', '--state', 'done', '--product-name', "{'VLASS2.1.cal.7': 123}"]).status).toBe(0);
    expect(emit(['--kind', 'workflow', '--state', 'done', '--results-dir', '/lustre/results/r7']).status).toBe(0);
    expect(await exited).toBe(0);
    const lines = out.trim().split('\n');
    expect(lines).toHaveLength(3);
    expect(lines[0]).toMatch(/quicklook#r7 {2}stage \[gathering data\] {2}STARTED/);
    expect(lines[1]).toMatch(/ingestion {2}DONE {2}product VLASS2\.1\.cal\.7$/);
    expect(lines[2]).toMatch(/workflow {2}DONE {2}results \/lustre\/results\/r7/);
  }, 60_000);

  it('wrong credentials: a warning and the spool; exit 75 with --require-events; the password never logged', async () => {
    const spool = mkdtempSync(join(tmp, 'spool-'));
    const capo = capoProfile(`amqp://guest:${PASSWORD}@127.0.0.1:${broker.port}/`, spool);
    const args = ['emit', '--workflow', 'quicklook', '--kind', 'workflow', '--state', 'started', ...capo, '--log-level', 'debug'];
    const plain = tool('vlass-events', args);
    expect(plain.status).toBe(0);
    expect(plain.stderr).toMatch(/unusable \(.*ACCESS.REFUSED/);
    const required = tool('vlass-events', [...args, '--require-events']);
    expect(required.status).toBe(75);
    expect(readFileSync(join(spool, 'test.spool.jsonl'), 'utf8').trim().split('\n')).toHaveLength(2);
    const shown = tool('vlass-events', ['watch', ...capo, '--show-config']);
    for (const text of [plain.stderr, plain.stdout, required.stderr, required.stdout, shown.stdout]) expect(text).not.toContain(PASSWORD);
    expect(shown.stdout).toContain(':[redacted]@');
  }, 60_000);

  it('a QA tool with a broker reports its node and steps, and keeps the password out of its logs', async () => {
    await broker.addUser('vlass', PASSWORD).catch(() => undefined);
    const spool = mkdtempSync(join(tmp, 'spool-'));
    const capo = capoProfile(`amqp://vlass:${PASSWORD}@127.0.0.1:${broker.port}/`, spool);
    const out = mkdtempSync(join(tmp, 'out-'));
    const { DEMO_DIR } = await import('../../fixtures/casa/generate.js');
    // Node events go to no manager queue; a queue of our own sees them.
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchangeName(ENV), 'quicklook.node.#');
    const r = tool('casa-verdict', ['--workdir', DEMO_DIR, '--exit-code', '0', '--out', out, '--log-level', 'debug', ...capo], { VLASS_WORKFLOW: 'quicklook', VLASS_NODE: 'casa_post' });
    expect(r.status).toBe(0);
    expect(r.stderr).not.toContain(PASSWORD);
    const got = await drain(queue);
    expect(got.map((e) => [e.node, e.state, e.step ?? ''])).toEqual([
      ['casa_post', 'started', ''],
      ['casa_post', 'progress', 'reading'],
      ['casa_post', 'progress', 'writing'],
      ['casa_post', 'done', ''],
    ]);
    expect(readdirSync(spool)).toEqual([]);
  }, 60_000);

  it('vlass-dag status reports each stage and node change once, to the broker', async () => {
    const spool = mkdtempSync(join(tmp, 'spool-'));
    const capo = capoProfile(broker.url, spool);
    const dir = mkdtempSync(join(tmp, 'dag-'));
    const exitAsTold = join(__dirname, '..', 'doubles', 'exit-as-told');
    writeFileSync(join(dir, 'job.sub'), `executable = ${exitAsTold}\narguments = "$(JOB) $(RETRY) 0 calls.log"\nqueue\n`);
    writeFileSync(join(dir, 'w.dag'), 'JOB fetch job.sub\nJOB casa job.sub\nPARENT fetch CHILD casa\nNODE_STATUS_FILE w.node_status\nJOBSTATE_LOG w.jobstate.log\n');
    writeFileSync(join(dir, 'stages.json'), JSON.stringify({ fetch: 'gathering data', casa: 'running casa' }));
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchangeName(ENV), 'quicklook.#');
    expect(tool('vlass-dag', ['run', dir, ...capo]).status).toBe(0);
    expect(tool('vlass-dag', ['status', dir, '--workflow', 'quicklook', '--request', 'r5', ...capo]).status).toBe(0);
    expect(tool('vlass-dag', ['status', dir, '--workflow', 'quicklook', '--request', 'r5', ...capo]).status).toBe(0); // nothing new
    await new Promise((r) => setTimeout(r, 200));
    const got = await drain(queue);
    expect(got.map((e) => [e.kind, e.state, e.node ?? e.stage])).toEqual([
      ['stage', 'started', 'running casa'],
      ['node', 'done', 'fetch'],
      ['node', 'done', 'casa'],
      ['stage', 'done', 'running casa'],
    ]);
    expect(got.every((e) => e.workflow.requestId === 'r5')).toBe(true);
  }, 60_000);

  it('vlass-events replay sends a spool now, and exits 75 while the broker is unreachable', async () => {
    const spool = mkdtempSync(join(tmp, 'spool-'));
    const dead = capoProfile('amqp://guest:guest@127.0.0.1:1/', spool);
    expect(tool('vlass-events', ['emit', '--workflow', 'quicklook', '--kind', 'workflow', '--state', 'failed', ...dead]).status).toBe(0);
    expect(tool('vlass-events', ['replay', ...dead]).status).toBe(75);
    const live = capoProfile(broker.url, spool);
    const r = tool('vlass-events', ['replay', ...live, '--json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ delivered: 1, spooled: 0 });
    expect((await drain(PROCESSING.name)).map((e) => e.state)).toEqual(['failed']);
  }, 60_000);
});

describe.skipIf(skip)('a workflow run through the broker', () => {
  it("quicklook whose product QA rejects: every tool's node events, and a final event that is done but says the product was rejected", async () => {
    const out = mkdtempSync(join(tmp, 'ql-run-'));
    const capoDir = mkdtempSync(join(tmp, 'capo-ql-'));
    writeFileSync(
      join(capoDir, 'local.properties'),
      [
        `edu.nrao.vlass.sbinDir = ${bin}`,
        `edu.nrao.vlass.workspaces.binDir = ${join(REPO_ROOT, 'test', 'doubles')}`,
        `edu.nrao.vlass.dag.jobCapoPath = ${capoDir}`,
        'edu.nrao.vlass.env = test',
        `edu.nrao.vlass.events.amqp.url = ${broker.url}`,
        `edu.nrao.vlass.events.spoolDir = ${mkdtempSync(join(tmp, 'spool-'))}`,
      ].join('\n') + '\n',
    );
    // Everything the workflow says, on a queue of our own.
    const { queue } = await channel.assertQueue('', { exclusive: true });
    await channel.bindQueue(queue, exchangeName(ENV), 'quicklook.#');
    const env = { PATH: '/usr/bin:/bin', HOME: tmp, CAPO_PROFILE: 'local', CAPO_PATH: capoDir };
    const dag = (args: string[]) => spawnSync(join(bin, 'vlass-dag'), [...args, '--log-level', 'warn'], { env, encoding: 'utf8', timeout: 120_000 });
    expect(dag(['render', '--workflow', 'quicklook', '--example', '--out', out]).status).toBe(0);

    // CASA "made" the fixture QL product, with a 10" beam: beamMajor (max 4") rejects it.
    const products = join(out, 'test-scenario', 'products');
    writeCasaWorkdir(join(out, 'test-scenario'), 'success');
    for (const f of readdirSync(products)) if (existsSync(join(SMALL_QL, f))) copyFileSync(join(SMALL_QL, f), join(products, f));
    const image = readdirSync(products).find((f) => f.endsWith('.I.iter1.image.pbcor.tt0.subim.fits'))!;
    updateHeaderKeywords(join(products, image), { BMAJ: 10 / 3600 });

    const run = dag(['run', out]);
    expect(run.status, run.stderr).toBe(0);
    const stem = image.replace('.I.iter1.image.pbcor.tt0.subim.fits', '');
    expect(readdirSync(join(out, 'results', 'products', 'QA_REJECTED'))).toContain(image);

    const events = await drain(queue);
    const final = events.filter((e) => e.kind === 'workflow');
    expect(final).toHaveLength(1);
    expect(final[0]).toMatchObject({ state: 'done', workflow: { name: 'quicklook', requestId: 'example-1' }, resultsDir: join(out, 'results'), qa: [{ product: stem, verdict: 'FAIL', rejected: true }] });
    expect(final[0].message).toBe(`QA FAIL: ${stem} (moved to QA_REJECTED)`);
    // annotateQa ran as node qa and reported its steps, ending done.
    const qaNode = events.filter((e) => e.kind === 'node' && e.node === 'qa');
    expect(qaNode.map((e) => e.state)).toEqual(['started', ...qaNode.slice(1, -1).map(() => 'progress'), 'done']);
    expect(qaNode.map((e) => e.step).filter(Boolean)).toEqual(expect.arrayContaining(['reading', 'measuring', 'rejecting', 'writing']));
    // The final event is the last word.
    expect(events.at(-1)!.kind).toBe('workflow');
  }, 180_000);
});
