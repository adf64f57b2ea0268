// Which rows of a fixed-row-height list are in the DOM: the visible ones plus a little overscan so
// fast scrolling does not flash blank rows. Pure, so the arithmetic is tested without a browser.

export interface VirtualWindow {
  /** First row index rendered (inclusive). */
  start: number;
  /** One past the last row index rendered. */
  end: number;
  /** Pixel offset of row `start` from the top of the scroll content. */
  offset: number;
  /** Height of the whole scroll content, so the scrollbar is right. */
  totalHeight: number;
}

export function computeWindow(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 8): VirtualWindow {
  const totalHeight = Math.max(0, total * rowHeight);
  if (total <= 0 || rowHeight <= 0) return { start: 0, end: 0, offset: 0, totalHeight };
  // The browser may report a scrollTop past the content after the list shrinks: clamp it.
  const maxTop = Math.max(0, totalHeight - viewportHeight);
  const top = Math.min(Math.max(0, scrollTop), maxTop);
  const firstVisible = Math.floor(top / rowHeight);
  const visibleCount = Math.ceil(Math.max(viewportHeight, rowHeight) / rowHeight) + 1;
  const start = Math.max(0, firstVisible - overscan);
  const end = Math.min(total, firstVisible + visibleCount + overscan);
  return { start, end, offset: start * rowHeight, totalHeight };
}

/**
 * The scrollTop that brings row `index` fully into view, moving as little as possible;
 * `undefined` when it is already visible.
 */
export function scrollTopFor(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | undefined {
  const top = index * rowHeight;
  const bottom = top + rowHeight;
  if (top < scrollTop) return top;
  if (bottom > scrollTop + viewportHeight) return Math.max(0, bottom - viewportHeight);
  return undefined;
}

export type NavigationKey = 'ArrowUp' | 'ArrowDown' | 'PageUp' | 'PageDown' | 'Home' | 'End';

export function isNavigationKey(key: string): key is NavigationKey {
  return key === 'ArrowUp' || key === 'ArrowDown' || key === 'PageUp' || key === 'PageDown' || key === 'Home' || key === 'End';
}

/** The active row after a navigation key; `pageSize` is the number of rows a viewport holds. */
export function moveIndex(current: number, key: NavigationKey, total: number, pageSize: number): number {
  if (total <= 0) return -1;
  const from = current < 0 ? -1 : Math.min(current, total - 1);
  const page = Math.max(1, pageSize - 1);
  let next: number;
  switch (key) {
    case 'ArrowUp': next = from < 0 ? 0 : from - 1; break;
    case 'ArrowDown': next = from + 1; break;
    case 'PageUp': next = from - page; break;
    case 'PageDown': next = from + page; break;
    case 'Home': next = 0; break;
    case 'End': next = total - 1; break;
  }
  return Math.min(total - 1, Math.max(0, next));
}
