import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatDuration } from '../../core/src/format/duration';
import { formatMs } from '../../webview/src/format';

test('one duration format: the tree, lenses, logs and the webview write the same p95 the same way', () => {
  const cases: Array<[number, string]> = [[0, '0 ms'], [0.42, '0.42 ms'], [3.46, '3.5 ms'], [38.4, '38 ms'], [1500, '1.50 s'], [12_500, '12.5 s']];
  for (const [ms, text] of cases) {
    assert.equal(formatDuration(ms), text);
    assert.equal(formatMs(ms), text, `the webview's copy agrees for ${ms}`);
  }
});
