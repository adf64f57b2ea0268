import { test } from 'node:test';
import assert from 'node:assert/strict';
import { computeWindow, isNavigationKey, moveIndex, scrollTopFor } from '../../webview/src/virtual-window';

test('the window covers the viewport plus overscan, never past the ends', () => {
  const top = computeWindow(0, 480, 24, 10_000, 8);
  assert.deepEqual(top, { start: 0, end: 29, offset: 0, totalHeight: 240_000 });
  const mid = computeWindow(24 * 5000, 480, 24, 10_000, 8);
  assert.equal(mid.start, 4992);
  assert.equal(mid.end, 5000 + 21 + 8);
  assert.equal(mid.offset, 4992 * 24);
  const end = computeWindow(10_000 * 24, 480, 24, 10_000, 8);
  assert.equal(end.end, 10_000);
  assert.ok(end.end - end.start <= 21 + 16);
});

test('the number of rendered rows does not grow with the list', () => {
  for (const total of [100, 10_000, 1_000_000]) {
    const w = computeWindow(total * 12, 600, 24, total);
    assert.ok(w.end - w.start <= Math.ceil(600 / 24) + 1 + 16, `total ${total}: ${w.end - w.start} rows`);
  }
});

test('a scrollTop beyond the content (after the list shrank) is clamped', () => {
  const w = computeWindow(1_000_000, 480, 24, 10, 2);
  assert.equal(w.start, 0);
  assert.equal(w.end, 10);
  assert.equal(w.totalHeight, 240);
});

test('empty lists and unmeasured viewports', () => {
  assert.deepEqual(computeWindow(0, 480, 24, 0), { start: 0, end: 0, offset: 0, totalHeight: 0 });
  const hidden = computeWindow(0, 0, 24, 500, 4);
  assert.ok(hidden.end > 0 && hidden.end <= 10, 'a hidden (0px) viewport renders a handful of rows');
});

test('scrollTopFor moves only as far as needed', () => {
  assert.equal(scrollTopFor(5, 0, 240, 24), undefined, 'already visible');
  assert.equal(scrollTopFor(10, 0, 240, 24), 24, 'just below: scroll so it is the last row');
  assert.equal(scrollTopFor(2, 240, 240, 24), 48, 'above: scroll so it is the first row');
});

test('keyboard moves clamp to the list', () => {
  assert.equal(moveIndex(-1, 'ArrowDown', 10, 5), 0);
  assert.equal(moveIndex(-1, 'ArrowUp', 10, 5), 0);
  assert.equal(moveIndex(0, 'ArrowUp', 10, 5), 0);
  assert.equal(moveIndex(9, 'ArrowDown', 10, 5), 9);
  assert.equal(moveIndex(2, 'PageDown', 10, 5), 6);
  assert.equal(moveIndex(8, 'PageDown', 10, 5), 9);
  assert.equal(moveIndex(3, 'PageUp', 10, 5), 0);
  assert.equal(moveIndex(4, 'Home', 10, 5), 0);
  assert.equal(moveIndex(4, 'End', 10, 5), 9);
  assert.equal(moveIndex(20, 'ArrowUp', 10, 5), 8, 'an index past a shrunk list starts from its end');
  assert.equal(moveIndex(0, 'ArrowDown', 0, 5), -1);
  assert.ok(isNavigationKey('PageDown'));
  assert.ok(!isNavigationKey('Enter'));
});
