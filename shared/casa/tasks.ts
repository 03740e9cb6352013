/**
 * Rule 3 of the CASA verdict, applied to the records of one log: which SEVERE lines are fatal,
 * which were recovered, and how often each task ran and failed.
 *
 * - A SEVERE whose origin names a task or tool on the fatal list is fatal, full stop.
 * - A SEVERE matching the allow pattern is a warning.
 * - Any other SEVERE is attributed to a task (the innermost open task named in its origin,
 *   else the innermost open task, else the origin's first part) and is fatal unless that task
 *   later begins and ends again with no SEVERE inside: then it was recovered (a warning).
 * State is bounded: evidence kept per log is capped, counts are not.
 */
import { originParts } from './logline.js';
import type { CasaLogRecord } from './logscan.js';

export interface Reason {
  rule: string;
  severity: 'fatal' | 'warning';
  message: string;
  file?: string;
  line?: number;
  text?: string;
}

export interface TaskCounts {
  runs: number;
  failed: number;
}

export interface SeverePolicy {
  /** Lower-case task/tool names whose SEVERE is always fatal. */
  fatalOrigins: Set<string>;
  /** SEVERE lines matching this are warnings. */
  allowPattern?: RegExp;
}

/** Unrecovered SEVEREs of one task: the first few kept as evidence, the rest counted. */
interface PendingSevere {
  kept: Reason[];
  extra: number;
  extraLastLine: number;
}

interface OpenRun {
  task: string;
  beginLine: number;
  severe: boolean;
}

/** Evidence kept per log file beyond which only counts grow. */
export const MAX_EVIDENCE_PER_LOG = 200;

export class SevereTracker {
  readonly reasons: Reason[] = [];
  readonly tasks: Record<string, TaskCounts> = {};
  /** Reasons of each severity, including those not kept because of MAX_EVIDENCE_PER_LOG. */
  readonly counts = { fatal: 0, warning: 0 };
  private readonly kept = { fatal: 0, warning: 0 };
  private readonly open: OpenRun[] = [];
  private readonly pending = new Map<string, PendingSevere>();

  constructor(
    private readonly file: string,
    private readonly policy: SeverePolicy,
  ) {}

  onRecord(rec: CasaLogRecord): void {
    if (rec.marker?.kind === 'begin') return this.begin(rec.marker.task, rec.line);
    if (rec.marker?.kind === 'end') return this.end(rec.marker.task, rec.line);
    if (rec.parsed.priority === 'SEVERE') this.severe(rec);
  }

  /** Everything still pending is fatal: the task never ran cleanly again. */
  finish(): void {
    for (const run of this.open) if (run.severe) this.count(run.task).failed++;
    this.open.length = 0;
    for (const [task, p] of this.pending) {
      for (const r of p.kept) this.add({ ...r, message: `SEVERE in ${task}, not followed by a clean re-run of ${task}` });
      if (p.extra > 0) this.add({ rule: 'severe', severity: 'fatal', message: `${p.extra} more SEVERE lines in ${task} (last at line ${p.extraLastLine}), not followed by a clean re-run`, file: this.file, line: p.extraLastLine }, p.extra);
    }
    this.pending.clear();
    this.reasons.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
  }

  private begin(task: string, line: number): void {
    this.count(task).runs++;
    this.open.push({ task, beginLine: line, severe: false });
  }

  private end(task: string, line: number): void {
    const i = this.open.map((r) => r.task).lastIndexOf(task);
    if (i < 0) return; // an End without its Begin (log started mid-task): nothing to close
    const [run] = this.open.splice(i, 1);
    if (run.severe) {
      this.count(task).failed++;
      return;
    }
    const waiting = this.pending.get(task);
    if (!waiting) return;
    const recovered = waiting.kept.filter((r) => (r.line ?? 0) < run.beginLine);
    waiting.kept = waiting.kept.filter((r) => (r.line ?? 0) >= run.beginLine);
    for (const r of recovered)
      this.add({ ...r, severity: 'warning', message: `SEVERE in ${task} recovered: ${task} ran again cleanly (lines ${run.beginLine}-${line})` });
    // Severes past the evidence cap all precede extraLastLine; they recover together.
    if (waiting.extra > 0 && waiting.extraLastLine < run.beginLine) {
      this.add({ rule: 'severe', severity: 'warning', message: `${waiting.extra} more SEVERE lines in ${task} recovered by the re-run at line ${run.beginLine}`, file: this.file, line: waiting.extraLastLine }, waiting.extra);
      waiting.extra = 0;
    }
    if (waiting.kept.length === 0 && waiting.extra === 0) this.pending.delete(task);
  }

  private severe(rec: CasaLogRecord): void {
    const evidence = (severity: Reason['severity'], message: string): Reason => ({ rule: 'severe', severity, message, file: this.file, line: rec.line, text: rec.text });
    const parts = originParts(rec.parsed.origin);
    const fatalPart = parts.find((p) => this.policy.fatalOrigins.has(p.toLowerCase()));
    const run = this.attribute(parts);
    const task = run?.task ?? parts[0] ?? '(no task)';
    if (run) run.severe = true;
    else {
      // Failed before its Begin marker (e.g. argument verification): still an attempt.
      const counts = this.count(task);
      counts.runs++;
      counts.failed++;
    }
    if (this.policy.allowPattern?.test(rec.text)) {
      this.add(evidence('warning', `SEVERE from ${rec.parsed.origin || '(no origin)'} matches the allow pattern`));
    } else if (fatalPart) {
      this.add(evidence('fatal', `SEVERE from ${fatalPart}, which is on the fatal list`));
    } else {
      const p = this.pending.get(task) ?? { kept: [], extra: 0, extraLastLine: 0 };
      if (p.kept.length < MAX_EVIDENCE_PER_LOG) p.kept.push(evidence('fatal', ''));
      else {
        p.extra++;
        p.extraLastLine = rec.line;
      }
      this.pending.set(task, p);
    }
  }

  private attribute(parts: string[]): OpenRun | undefined {
    for (let i = this.open.length - 1; i >= 0; i--) if (parts.includes(this.open[i].task)) return this.open[i];
    return this.open[this.open.length - 1];
  }

  private count(task: string): TaskCounts {
    return (this.tasks[task] ??= { runs: 0, failed: 0 });
  }

  /** Records a reason standing for `n` SEVERE lines; keeps its evidence while under the cap. */
  private add(reason: Reason, n = 1): void {
    this.counts[reason.severity] += n;
    // Capped per severity, so a flood of warnings never hides the first fatal reason.
    if (this.kept[reason.severity]++ < MAX_EVIDENCE_PER_LOG) this.reasons.push(reason);
  }
}
