/** One readable line per event, for operators (`vlass-events watch|tail`, a tool's terminal). */
import type { VlassEvent } from './event.js';

export function formatEventLine(e: VlassEvent): string {
  const time = e.time.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  const workflow = e.workflow.requestId ? `${e.workflow.name}#${e.workflow.requestId}` : e.workflow.name;
  // A node event names its node right after the kind ("node casa"), others say "node casa" in full.
  const nodePart = e.node ? (e.kind === 'node' ? e.node : `node ${e.node}`) : undefined;
  const where = [e.stage ? `[${e.stage}]` : undefined, nodePart, e.step ? `step ${e.step}` : undefined, e.image, e.ms].filter(Boolean).join(' ');
  const progress = e.progress === undefined ? '' : ` ${Math.round(e.progress * 100)}%`;
  const tail = [
    e.exitCode === undefined ? undefined : `exit ${e.exitCode}`,
    e.productName ? `product ${e.productName}` : undefined,
    e.resultsDir ? `results ${e.resultsDir}` : undefined,
    e.qa?.length ? `QA ${e.qa.map((q) => `${q.verdict}${q.rejected ? ' (rejected)' : ''}`).join(', ')}` : undefined,
    e.message,
  ].filter(Boolean);
  return `${time}  ${workflow}  ${e.kind}${where ? ' ' + where : ''}  ${e.state.toUpperCase()}${progress}${tail.length ? '  ' + tail.join('; ') : ''}`;
}
