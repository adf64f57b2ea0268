// One line per benchmark figure that has a target, in one format that `scripts/bench.sh`
// collects into its summary and `docs/performance.md`:
//   TARGET <figure>: <value> (goal <op> <goal>) PASS|MISS
// The value is always a ratio or a CPU count measured in the same run, never an absolute rate.

export type Goal = { atLeast: number } | { atMost: number };

export function reportTarget(figure: string, value: number, goal: Goal, unit = '', digits = 2): boolean {
  const pass = 'atLeast' in goal ? value >= goal.atLeast : value <= goal.atMost;
  const goalText = 'atLeast' in goal ? `≥ ${goal.atLeast}${unit}` : `≤ ${goal.atMost}${unit}`;
  const shown = Number.isFinite(value) ? value.toFixed(digits) : String(value);
  console.log(`TARGET ${figure}: ${shown}${unit} (goal ${goalText}) ${pass ? 'PASS' : 'MISS'}`);
  return pass;
}
