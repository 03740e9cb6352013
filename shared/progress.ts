/**
 * How a pipeline in shared/ tells its caller what it is doing, without knowing the command line:
 * the tools pass their context's stage and log functions (shared/cli/run.ts), tests pass a
 * recorder.
 */
export interface Progress {
  /** A stage transition (logged, recorded in the status file, sent as an event by the tools). */
  stage(name: string, detail?: Record<string, unknown>): void;
  info(message: string, detail?: Record<string, unknown>): void;
  warn(message: string, detail?: Record<string, unknown>): void;
}
