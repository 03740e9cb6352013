/**
 * Side-by-side timing for benchmarks: runs each command several times, interleaved so that
 * machine noise hits both alike, and reports medians of wall time and of peak resident memory
 * (from GNU time's %M), plus the ratio of medians against the reference command.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

export interface Subject {
  name: string;
  /** argv; run without a shell. */
  command: string[];
  cwd?: string;
  /** Run before each timed run, untimed (e.g. remove the previous output and `sync`). */
  prepare?: string[];
}

export interface Measurement {
  name: string;
  command: string;
  seconds: number[];
  peakKiB: number[];
  medianSeconds: number;
  medianPeakMiB: number;
}

export function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const GNU_TIME = '/usr/bin/time';

/**
 * Runs every subject `runs` times, interleaved; a non-zero exit not in `okCodes` aborts.
 * `alternate` reverses the order every other round (ABBA): where one run leaves the machine
 * slower for the next (1 GB written, then deleted), the second place in a round costs seconds,
 * and a fixed order would charge it all to one subject.
 */
export function measure(subjects: Subject[], runs: number, okCodes: number[] = [0], alternate = false): Measurement[] {
  if (!existsSync(GNU_TIME)) throw new Error(`${GNU_TIME} not found: install the Debian package "time"`);
  const results = subjects.map((s) => ({ name: s.name, command: s.command.join(' '), seconds: [] as number[], peakKiB: [] as number[] }));
  for (let r = 0; r < runs; r++) {
    const order = subjects.map((_, i) => i);
    if (alternate && r % 2 === 1) order.reverse();
    order.forEach((i) => {
      const s = subjects[i];
      if (s.prepare) spawnSync(s.prepare[0], s.prepare.slice(1), { cwd: s.cwd, stdio: 'ignore' });
      const t0 = process.hrtime.bigint();
      const p = spawnSync(GNU_TIME, ['-f', '%M', ...s.command], { cwd: s.cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (!okCodes.includes(p.status ?? -1)) throw new Error(`${s.name} exited ${p.status}: ${p.stderr.slice(-500)}`);
      const lines = p.stderr.trim().split('\n');
      results[i].seconds.push(seconds);
      results[i].peakKiB.push(Number(lines[lines.length - 1]));
    });
  }
  return results.map((r) => ({ ...r, medianSeconds: median(r.seconds), medianPeakMiB: median(r.peakKiB) / 1024 }));
}

/** A markdown table of measurements with ratios against the first (reference) row. */
export function table(results: Measurement[]): string {
  const ref = results[0];
  const rows = results.map(
    (r) => `| ${r.name} | ${r.medianSeconds.toFixed(3)} | ${(r.medianSeconds / ref.medianSeconds).toFixed(2)}x | ${r.medianPeakMiB.toFixed(1)} | ${r.seconds.map((s) => s.toFixed(2)).join(', ')} |`,
  );
  return ['| command | median wall s | ratio to reference | median peak RSS MiB | runs (s) |', '|---|---|---|---|---|', ...rows].join('\n');
}

export function machineLine(): string {
  const cpu = execFileSync('sh', ['-c', "grep -m1 'model name' /proc/cpuinfo | cut -d: -f2"], { encoding: 'utf8' }).trim();
  return `${new Date().toISOString()} on ${cpu}, ${execFileSync('nproc', { encoding: 'utf8' }).trim()} cores, Node ${process.version}`;
}
