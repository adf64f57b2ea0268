// The one way Tapline writes a duration, so that the same p95 reads the same in the tree, a code
// lens, a hover and a log line ("1.50 s" everywhere, never "1500 ms" in one place). The webview
// may import only types from core, so webview/src/format.ts keeps a copy that
// test/unit/format-duration.test.ts holds to this one.

/** `0 ms`, `0.42 ms`, `3.5 ms`, `38 ms`, `1.50 s`, `12.5 s`. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 10) return `${ms.toFixed(1)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}
