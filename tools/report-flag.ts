/**
 * `--report`, the flag every QA and catalog tool shares: also write a self-contained HTML page
 * of the result (shared/report) into --out. Defined once so its name and help stay the same.
 */
export function reportFlag(page: string) {
  return {
    report: { type: 'boolean', default: false, describe: `also write ${page} into --out: one self-contained HTML page (verdict, tables, image and plots; no network needed)` },
  } as const;
}
