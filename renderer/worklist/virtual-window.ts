/**
 * Which rows of a long list to put in the DOM. Every row has the same height, so the
 * window follows from the scroll position by arithmetic alone: no measuring, no layout
 * reads while scrolling.
 */

/** Height of one body row in CSS pixels; worklist.css fixes rows to exactly this. */
export const ROW_HEIGHT = 56;
/** Height of the sticky header row, which sits above the first body row. */
export const HEADER_HEIGHT = 48;
/** Row and header heights, as worklist.css fixes them for each density. */
export interface RowMetrics {
  row: number;
  header: number;
}
export const STANDARD_ROWS: RowMetrics = { row: ROW_HEIGHT, header: HEADER_HEIGHT };
/** Compact mode: one line per row, so at least 12 rows show at 1366×900. */
export const COMPACT_ROWS: RowMetrics = { row: 32, header: 36 };

/**
 * Rows rendered beyond each edge of the viewport, so a wheel step never shows a gap (2 rows
 * are 112 px, more than one step of 100 px). Each rendered row is written, laid out and
 * painted on every sort, filter, search keystroke and fling frame: 2 a side puts 16 rows in
 * the DOM at 1366×900 where 6 put 24.
 */
export const OVERSCAN = 2;
/** Used until the scroller has been measured (and where there is no layout, as in tests). */
export const FALLBACK_VIEWPORT = 640;

export interface RowWindow {
  /** First row index in the DOM. */
  start: number;
  /** One past the last row index in the DOM. */
  end: number;
}

export function rowWindow(scrollTop: number, viewportHeight: number, total: number, metrics: RowMetrics = STANDARD_ROWS): RowWindow {
  if (total <= 0) return { start: 0, end: 0 };
  const top = Math.max(0, scrollTop - metrics.header);
  const first = Math.floor(top / metrics.row);
  const last = Math.ceil((top + Math.max(viewportHeight, metrics.row)) / metrics.row);
  const start = Math.min(Math.max(0, first - OVERSCAN), total - 1);
  const end = Math.min(total, last + OVERSCAN);
  return { start, end: Math.max(end, start + 1) };
}

/** Rows that fit under the header: how far Page Up and Page Down move. */
export function pageSize(viewportHeight: number, metrics: RowMetrics = STANDARD_ROWS): number {
  return Math.max(1, Math.floor((viewportHeight - metrics.header) / metrics.row));
}

/**
 * The scroll position that brings a row fully into view below the sticky header, or the
 * current one if the row is already visible.
 */
export function scrollToReveal(index: number, scrollTop: number, viewportHeight: number, metrics: RowMetrics = STANDARD_ROWS): number {
  const top = index * metrics.row;
  if (top < scrollTop) return top;
  const bottom = metrics.header + top + metrics.row;
  if (bottom > scrollTop + viewportHeight) return bottom - viewportHeight;
  return scrollTop;
}
