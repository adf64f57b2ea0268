// Coverage totals and how they read, apart from the computation so that the extension's views
// import a few lines rather than the router and the diff.

export interface CoverageTotals {
  operations: number;
  exercised: number;
  responses: number;
  responsesExercised: number;
}

/** 0..1; 1 when there is nothing to cover. */
export function ratio(covered: number, of: number): number {
  return of === 0 ? 1 : covered / of;
}

/** `3/4 operations (75 %) · 5/8 responses (62 %)`: one line for a lens, a tree row, a header. */
export function coverageLine(t: CoverageTotals): string {
  const pct = (a: number, b: number): string => `${Math.floor(ratio(a, b) * 100)} %`;
  return `${t.exercised}/${t.operations} operations (${pct(t.exercised, t.operations)}) · ${t.responsesExercised}/${t.responses} responses (${pct(t.responsesExercised, t.responses)})`;
}
