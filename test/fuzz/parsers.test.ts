/**
 * Every parser, fuzzed (issue 17): valid inputs from the repository's own files and formatters,
 * then mutated (truncated, bytes flipped, lines repeated or dropped, CRLF, non-ASCII, huge,
 * negative, NaN and Infinity numbers spliced in). Invariant: a parser returns, or throws one of
 * our error classes (JobError) with a documented exit code whose message names the input;
 * never an unclassified exception. Round trips where a formatter exists.
 *
 * `npm test` runs FUZZ_RUNS (default 2000) cases per parser with a fixed seed; `npm run fuzz`
 * runs 100 times as many with a fresh seed and prints any counterexample with its seed.
 */
import fc from 'fast-check';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it as vitestIt } from 'vitest';
import { EXIT_CODES, JobError } from '../../shared/errors.js';
import { parseHeaderText, FitsReader, readBeamTable } from '../../shared/fits/index.js';
import { parseCard } from '../../shared/fits/card.js';
import { parseCatalog } from '../../shared/catalog/reader.js';
import { parseProperties } from '../../shared/capo/properties.js';
import { formatDag, parseDag } from '../../shared/dag/dagfile.js';
import { parseEnvironment, parseSubmit, splitArguments } from '../../shared/dag/submitfile.js';
import { formatJobstateLine, formatNodeStatusFile, formatRescue, parseJobstateLog, parseNodeStatusFile, parseRescue } from '../../shared/dag/statusfiles.js';
import { parseProductName } from '../../shared/vlass/naming.js';
import { planImage } from '../../shared/split/plan.js';
import { parseEvent } from '../../shared/events/event.js';
import { decodeDelivery } from '../../shared/events/consumer.js';
import { parseStatusLine } from '../../shared/events/statusFile.js';
import { readProductName } from '../../shared/events/productName.js';
import { parseCasaLogLine } from '../../shared/casa/logline.js';
import { readPipelineManifest } from '../../shared/casa/manifest.js';
import { scanCasaLog } from '../../shared/casa/logscan.js';
import { REPO_ROOT, hasRealdata, realdata } from '../helpers/realdata.js';
import { appendBeamTable, writeCube } from '../shared/qa/cubeFiles.js';
import { flushTally, tally } from '../helpers/tally.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 2000);
const SEED = process.env.FUZZ_SEED === undefined ? 20261202 : Number(process.env.FUZZ_SEED);
/** Time allowed per test: generous per case, so that `npm run fuzz`'s long runs are not cut short. */
const TIMEOUT = Math.max(30_000, RUNS * 10);
const params = (runs = RUNS) => ({ numRuns: runs, ...(Number.isNaN(SEED) ? {} : { seed: SEED }) });
const CODES = new Set<number>(EXIT_CODES.map((c) => c.code));
const tmp = mkdtempSync(join(tmpdir(), 'fuzz-'));
/** The parser a case belongs to, for the reliability report: the test's name up to the colon. */
let subject = '';
const it = (name: string, fn: () => unknown) =>
  vitestIt(name, () => {
    subject = name.split(':')[0];
    return fn();
  }, TIMEOUT);
afterAll(flushTally);

/** Runs a parser: returns what it returns, or checks that what it threw is one of ours, naming `source`. */
function classified<T>(parse: () => T, source?: string): T | undefined {
  try {
    return accepted(parse());
  } catch (err) {
    return rejected(err, source);
  }
}

async function classifiedAsync<T>(parse: () => Promise<T>, source: string): Promise<T | undefined> {
  try {
    return accepted(await parse());
  } catch (err) {
    return rejected(err, source);
  }
}

function accepted<T>(result: T): T {
  tally({ area: 'parser', subject, trial: 'case', outcome: 'accepted' });
  return result;
}

/** The invariant: one of our error classes, a documented exit code, a message naming the input. */
function rejected(err: unknown, source: string | undefined): undefined {
  if (!(err instanceof JobError)) throw new Error(`unclassified ${(err as Error)?.constructor?.name}: ${(err as Error)?.message}`, { cause: err });
  tally({ area: 'parser', subject, trial: 'case', outcome: `rejected, exit ${err.exitCode}` });
  expect(CODES.has(err.exitCode), `exit code ${err.exitCode}`).toBe(true);
  if (source !== undefined) expect(err.message, 'names its input').toContain(source);
  expect(err.message.length).toBeGreaterThan(0);
  return undefined;
}

/** What gets spliced into text: the inputs parsers meet at their edges. */
const nasty = fc.constantFrom('NaN', 'Infinity', '-Infinity', '1e309', '-1e309', '-0', '99999999999999999999', '-1', '0x10', '', ' ', '\t', '\r\n', '\n', '"', "'", '=', '/', '\\', '\u00e9', '\u2603', '\u0000', '{', '}', '[', ']', ',', '#', '$(', '${');

/** A mutation of `text`: truncation, a flipped character, a repeated or dropped line, CRLF, something nasty spliced in. */
function mutated(text: string): fc.Arbitrary<string> {
  const lines = text.split('\n');
  return fc.oneof(
    fc.constant(text),
    fc.nat({ max: Math.max(0, text.length) }).map((n) => text.slice(0, n)),
    fc.tuple(fc.nat({ max: Math.max(0, text.length - 1) }), fc.integer({ min: 0, max: 0xffff })).map(([i, c]) => text.slice(0, i) + String.fromCharCode(c) + text.slice(i + 1)),
    fc.tuple(fc.nat({ max: Math.max(0, lines.length - 1) }), fc.boolean()).map(([i, dup]) => [...lines.slice(0, i), ...(dup ? [lines[i], lines[i]] : []), ...lines.slice(i + 1)].join('\n')),
    fc.constant(text.replace(/\n/g, '\r\n')),
    fc.tuple(fc.nat({ max: Math.max(0, text.length) }), nasty).map(([i, s]) => text.slice(0, i) + s + text.slice(i)),
    fc.tuple(fc.nat({ max: Math.max(0, text.length) }), fc.string({ maxLength: 20 })).map(([i, s]) => text.slice(0, i) + s + text.slice(i)),
  );
}

/** A file's bytes cut at a length in [cutFrom, cutTo], or one byte in [flipFrom, flipTo] set to any value. */
function truncatedOrFlipped(range: { cutFrom: number; cutTo: number; flipFrom: number; flipTo: number }): fc.Arbitrary<(b: Buffer) => Buffer> {
  return fc.oneof(
    fc.integer({ min: range.cutFrom, max: range.cutTo }).map((n) => (b: Buffer) => b.subarray(0, n)),
    fc.tuple(fc.integer({ min: range.flipFrom, max: range.flipTo }), fc.integer({ min: 0, max: 255 })).map(([i, v]) => (b: Buffer) => {
      const c = Buffer.from(b);
      c[i] = v;
      return c;
    }),
  );
}

/** Several mutations applied one after another. */
function mutatedMany(text: string): fc.Arbitrary<string> {
  return mutated(text).chain((t) => fc.oneof(fc.constant(t), mutated(t)));
}

const repo = (...p: string[]) => readFileSync(join(REPO_ROOT, ...p), 'utf8');
const goldenDag = repo('test', 'golden', 'dags', 'quicklook-dev', 'quicklook.dag');
const goldenSub = repo('test', 'golden', 'dags', 'quicklook-dev', 'qa.sub');
const SMALL_QL = join(REPO_ROOT, 'fixtures', 'vlass', 'small', 'ql');
const qlImage = join(SMALL_QL, readdirSync(SMALL_QL).find((f) => f.endsWith('.tt0.subim.fits'))!);

describe('FITS', () => {
  const headerText = (() => {
    const r = FitsReader.open(qlImage);
    try {
      return r.header.cards.map((c) => c.raw).join('\n');
    } catch {
      return '';
    } finally {
      r.close();
    }
  })();

  it('header cards: parseCard on any 80 characters', () => {
    fc.assert(fc.property(fc.oneof(fc.string({ minLength: 80, maxLength: 80 }), fc.constantFrom(...headerText.split('\n')).chain(mutated).map((s) => s.padEnd(80).slice(0, 80))), (card) => void classified(() => parseCard(card))), params());
  });

  it('headers: parseHeaderText on mutated real headers', () => {
    fc.assert(fc.property(mutatedMany(headerText), (text) => void classified(() => parseHeaderText(text, 'fuzz.fits'), 'fuzz.fits')), params());
  });

  it('data units: FitsReader on a mutated small image (truncated, bytes flipped), reading every row', () => {
    const bytes = readFileSync(qlImage);
    const file = join(tmp, 'fuzz-image.fits');
    const mutation = truncatedOrFlipped({ cutFrom: 0, cutTo: bytes.length, flipFrom: 0, flipTo: 5760 });
    fc.assert(
      fc.property(mutation, (mutate) => {
        writeFileSync(file, mutate(bytes));
        classified(() => {
          const r = FitsReader.open(file);
          try {
            if (r.layout.height > 0) r.readRows(0, Math.min(4, r.layout.height));
            if (r.header.getBoolean('CASAMBM') === true) readBeamTable(file, r.layout, r.fileSize);
          } finally {
            r.close();
          }
        }, file);
      }),
      params(Math.max(200, RUNS / 10)),
    );
  });
});

describe('CASA BEAMS tables', () => {
  it('BEAMS tables: a multi-beam cube (CASAMBM = T, BEAMS extension) mutated past its pixels, the table read or 65', () => {
    const file = join(tmp, 'fuzz-beams.fits');
    writeCube(file, { freqs: 3, beam: null, casambm: true });
    appendBeamTable(file, [0, 1, 2].flatMap((chan) => [0, 1, 2].map((pol) => ({ bmaj: 3 + chan, bmin: 2 + chan / 2, bpa: 10 * chan, chan, pol }))));
    const bytes = readFileSync(file);
    const imageEnd = bytes.length - 2 * 2880; // the extension's header and data blocks
    const mutation = truncatedOrFlipped({ cutFrom: imageEnd, cutTo: bytes.length, flipFrom: imageEnd, flipTo: bytes.length - 1 });
    const mutated = join(tmp, 'fuzz-beams-mutated.fits');
    fc.assert(
      fc.property(mutation, (mutate) => {
        writeFileSync(mutated, mutate(bytes));
        classified(() => {
          const r = FitsReader.open(mutated);
          try {
            readBeamTable(mutated, r.layout, r.fileSize);
          } finally {
            r.close();
          }
        }, mutated);
      }),
      params(Math.max(200, RUNS / 4)),
    );
  });
});

describe('catalog CSV, CAPO properties', () => {
  const catalog = repo('test', 'reference', 'qa_se_reference.edge.catalog.csv');
  it('catalog CSV (ours and PyBDSF-like headers): parseCatalog', () => {
    fc.assert(fc.property(mutatedMany(catalog), (text) => void classified(() => parseCatalog(text, 'fuzz.csv'), 'fuzz.csv')), params());
  });
  // The real catalog forms, read in place from ../shared/realdata (never copied): PyBDSF's
  // VLASS 1.1 and 2.1 SE catalogs and CIRADA's component, catenator and subtile tables. Their
  // first 20 lines seed the mutations (a whole 1 MB table per case would make the run minutes).
  for (const file of [
    'pybdsf_catalogs_vlass/VLASS1.1.cat.T29t05.J110448+763000.10.2048.v1.csv',
    'pybdsf_catalogs_vlass/VLASS2.1.se.T10t01.J000200-003000.06.2048.v1.I.catalog.csv',
    'vlass_cirada_catalogs/cirada_vlass_cat__test_components.csv',
    'vlass_cirada_catalogs/cirada_vlass_cat__test_pybdsf_catenator_out.csv',
    'vlass_cirada_catalogs/cirada_vlass_cat__test_subtiles.csv',
  ]) {
    vitestIt.skipIf(!hasRealdata)(`real catalog ${file.split('/')[1]}: parseCatalog`, () => {
      subject = `real catalog ${file.split('/')[0]}`;
      const seed = readFileSync(realdata(...file.split('/')), 'utf8').split('\n').slice(0, 20).join('\n');
      expect(parseCatalog(seed, 'seed.csv').rows.length).toBeGreaterThan(0); // the seed itself is read
      fc.assert(fc.property(mutatedMany(seed), (text) => void classified(() => parseCatalog(text, 'fuzz.csv'), 'fuzz.csv')), params());
    }, TIMEOUT);
  }
  it('CAPO properties: parseProperties', () => {
    const text = repo('capo', 'defaults.properties');
    fc.assert(fc.property(mutatedMany(text), (t) => void classified(() => parseProperties(t, 'fuzz.properties'), 'fuzz.properties')), params());
  });
});

describe('DAGMan files', () => {
  it('DAG files: parseDag on mutated goldens; a parsed DAG formats and parses back to the same', () => {
    fc.assert(
      fc.property(mutatedMany(goldenDag), (text) => {
        const dag = classified(() => parseDag(text, 'fuzz.dag'), 'fuzz.dag');
        if (dag) expect(formatDag(parseDag(formatDag(dag), 'again.dag'))).toBe(formatDag(dag));
      }),
      params(),
    );
  });

  it('submit files, their arguments and environment', () => {
    fc.assert(
      fc.property(mutatedMany(goldenSub), (text) => {
        const sub = classified(() => parseSubmit(text, 'fuzz.sub'), 'fuzz.sub');
        if (!sub) return;
        const args = sub.commands.get('arguments')?.value;
        if (args !== undefined) classified(() => splitArguments(args, 'fuzz.sub: arguments'), 'fuzz.sub');
        const env = sub.commands.get('environment')?.value;
        if (env !== undefined) classified(() => parseEnvironment(env, 'fuzz.sub: environment'), 'fuzz.sub');
      }),
      params(),
    );
  });

  const now = Date.UTC(2026, 11, 2) / 1000;
  const ads = [
    { node: 'fetch', status: 'DONE', details: '', retryCount: 0 },
    { node: 'casa', status: 'ERROR', details: 'Job proc (1.0.0) failed with status 1', retryCount: 2 },
  ] as unknown as Parameters<typeof formatNodeStatusFile>[2];
  const statusText = formatNodeStatusFile('/x/q.dag', 5, ads, now, true);
  const jobstate = [formatJobstateLine({ time: now, node: 'INTERNAL', event: 'DAGMAN_STARTED', internal: 'DAGMAN_STARTED 1.0' }), formatJobstateLine({ time: now, node: 'casa', event: 'JOB_FAILURE', condorId: '2.0', sequence: 1 })].join('\n') + '\n';
  const rescue = formatRescue('/x/q.dag', 3, ['fetch'], ['casa'], new Date(now * 1000));

  it('node status ClassAds, JOBSTATE_LOG lines and rescue files: round trips, and mutations classified', () => {
    expect(parseRescue(rescue, 'r')).toEqual({ done: ['fetch'], failed: ['casa'] });
    expect(parseJobstateLog(jobstate, 'j').map((e) => e.event)).toEqual(['DAGMAN_STARTED', 'JOB_FAILURE']);
    expect(parseNodeStatusFile(statusText, 's').nodes.map((n) => [n.node, n.status, n.retryCount])).toEqual([
      ['fetch', 'DONE', 0],
      ['casa', 'ERROR', 2],
    ]);
    fc.assert(
      fc.property(mutatedMany(statusText), mutatedMany(jobstate), mutatedMany(rescue), (s, j, r) => {
        classified(() => parseNodeStatusFile(s, 'fuzz.status'), 'fuzz.status');
        classified(() => parseJobstateLog(j, 'fuzz.jobstate'), 'fuzz.jobstate');
        classified(() => parseRescue(r, 'fuzz.rescue'), 'fuzz.rescue');
      }),
      params(),
    );
  });
});

describe('names, plans, events, status lines', () => {
  it('VLASS product names: parseProductName never throws, and what it parses it parses the same again', () => {
    const name = 'VLASS2.1.se.T10t01.J000200-003000.06.2048.v1.I.iter3.image.pbcor.tt0.subim.fits';
    fc.assert(
      fc.property(fc.oneof(mutatedMany(name), fc.string()), (n) => {
        const parsed = parseProductName(n);
        tally({ area: 'parser', subject, trial: 'case', outcome: parsed ? 'accepted' : 'not a product name' });
        if (parsed) expect(parseProductName(n)).toEqual(parsed);
      }),
      params(),
    );
  });

  it('split plan images: planImage on generated and mutated entries', () => {
    const value = fc.oneof(fc.string(), fc.double(), fc.integer(), fc.constant(null), fc.constant(undefined), fc.boolean(), fc.array(fc.string(), { maxLength: 3 }), nasty);
    const entry = fc.record({
      epoch: fc.oneof(fc.constant('VLASS2.1'), value),
      tile: fc.oneof(fc.constant('T10t01'), value),
      phaseCenter: fc.oneof(fc.constant('J005000-023000'), value),
      radiusDeg: fc.oneof(fc.constant(0.5), value),
      measurementSets: fc.oneof(fc.constant(['a.ms']), fc.array(fc.oneof(fc.string(), fc.record({ path: fc.string(), calibration: value })), { maxLength: 3 }), value),
    });
    fc.assert(fc.property(entry, (raw) => void classified(() => planImage(raw, 'fuzz-plan.json: images[0]', tmp), 'fuzz-plan.json')), params());
  });

  it('event messages: parseEvent and decodeDelivery on mutated valid events; a valid event parses to itself', () => {
    const event = JSON.stringify({
      schema: 'vlass.event/1',
      id: '0f8b1f5e-2d7e-4c1a-9b1e-9a7e1c2d3e4f',
      time: '2026-12-02T04:10:33.000Z',
      env: 'test',
      source: { tool: 'annotateQa', version: '0.1.0 (abc)', host: 'node1' },
      workflow: { name: 'quicklook', requestId: 'r1' },
      kind: 'workflow',
      state: 'done',
      resultsDir: '/lustre/r1',
      qa: [{ product: 'p', verdict: 'FAIL', rejected: true }],
    });
    fc.assert(
      fc.property(mutatedMany(event), (text) => {
        const parsed = classified(() => parseEvent(text, 'fuzz-event'), 'fuzz-event');
        if (parsed) expect(parseEvent(JSON.stringify(parsed), 'again')).toEqual(parsed);
        const outcome = decodeDelivery(Buffer.from(text), 'fuzz-delivery');
        expect(outcome).toBeDefined();
      }),
      params(),
    );
  });

  it('status-file lines and the manager\'s product names', () => {
    const line = JSON.stringify({ time: '2026-12-02T04:10:33.000Z', tool: 'split', version: '0.1.0', event: 'stage', stage: 'splitting' });
    fc.assert(
      fc.property(mutatedMany(line), fc.oneof(mutatedMany("{'VLASS.cal.token': 4242}"), fc.string(), fc.integer(), fc.constant(null)), (l, name) => {
        classified(() => parseStatusLine(l, 'fuzz.jsonl'), 'fuzz.jsonl');
        classified(() => readProductName(name, 'fuzz-name'), 'fuzz-name');
      }),
      params(),
    );
  });
});

describe('CASA', () => {
  const log = repo('fixtures', 'casa', 'ql-false-failure', 'casa-20210314-031507.log');
  const manifest = repo('fixtures', 'casa', 'ql-false-failure', 'products', 'pipeline_manifest.xml');

  it('log lines: parseCasaLogLine never throws', () => {
    fc.assert(fc.property(fc.oneof(fc.constantFrom(...log.split('\n').slice(0, 200)).chain(mutated), fc.string()), (l) => void tally({ area: 'parser', subject, trial: 'case', outcome: parseCasaLogLine(l) ? 'accepted' : 'not a log line' })), params());
  });

  it('whole logs through the WebAssembly kernel, and pipeline manifests', async () => {
    const logFile = join(tmp, 'fuzz-casa.log');
    const xmlFile = join(tmp, 'fuzz-manifest.xml');
    await fc.assert(
      fc.asyncProperty(mutatedMany(log.slice(0, 20_000)), mutatedMany(manifest), async (l, x) => {
        writeFileSync(logFile, l);
        writeFileSync(xmlFile, x);
        await classifiedAsync(() => scanCasaLog(logFile, () => undefined, { chunkBytes: 4096 }), logFile);
        await classifiedAsync(() => readPipelineManifest(xmlFile), xmlFile);
      }),
      params(Math.max(200, RUNS / 4)),
    );
  });
});
