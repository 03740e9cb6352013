/**
 * Every executable this project ships, by its installed name. The build produces one
 * multi-call binary; each name is a link to it, and the name it is invoked by picks the tool
 * (see tools/main.ts and README "Why one binary").
 */
import type { ToolSpec } from '../shared/cli/run.js';

export type ToolLoader = () => Promise<ToolSpec>;

export const TOOLS: Record<string, ToolLoader> = {
  'cache-products': async () => (await import('./cache-products/cli.js')).cacheProductsTool,
  'casa-verdict': async () => (await import('./casa-verdict/cli.js')).casaVerdictTool,
  'create-component-list': async () => (await import('./create-component-list/cli.js')).createComponentListTool,
  'create-cube-component-list': async () => (await import('./create-cube-component-list/cli.js')).createCubeComponentListTool,
  'annotateQa': async () => (await import('./annotateQa/cli.js')).annotateQaTool,
  'annotateQaSE': async () => (await import('./annotateQaSE/cli.js')).annotateQaSETool,
  'annotateQaSECube': async () => (await import('./annotateQaSECube/cli.js')).annotateQaSECubeTool,
  split: async () => (await import('./split/cli.js')).splitTool,
  'vlass-dag': async () => (await import('./vlass-dag/cli.js')).vlassDagTool,
  'vlass-events': async () => (await import('./vlass-events/cli.js')).vlassEventsTool,
};

export const TOOL_NAMES = Object.keys(TOOLS).sort();

/**
 * Tools that run on the main thread instead of under a supervising worker (shared/cli/supervise.ts):
 * their work is asynchronous I/O in small steps, so the signal handlers run within milliseconds
 * anyway, and they are short: a second V8 isolate would cost them more start-up time and memory
 * than their whole job (casa-verdict reads a log in 1 MiB steps).
 */
export const MAIN_THREAD_TOOLS: ReadonlySet<string> = new Set(['casa-verdict']);
