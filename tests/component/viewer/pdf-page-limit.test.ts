import { describe, expect, it } from 'vitest';
import { pageFailure } from '../../../renderer/viewer/composables/use-pdf-page';
import { PAGE_DRAW_SLOW_MS, PAGE_DRAW_TIMEOUT_MS } from '../../../renderer/viewer/pdf-page-limit';

// The end-to-end tests of a page that floods pdf.js with operators give the viewer a shorter
// limit (tests/e2e/viewers.test.ts, "hostile PDFs"). This pins what the app itself uses.

describe('the PDF page drawing limits', () => {
  it('stops a page after 15 s in the app, and offers Stop after 1 s', () => {
    expect(PAGE_DRAW_TIMEOUT_MS).toBe(15_000);
    expect(PAGE_DRAW_SLOW_MS).toBe(1_000);
  });

  it('names the page that could not be drawn, and a picture over the size limit as such', () => {
    expect(pageFailure(new Error('Image exceeded maximum allowed size and was removed.'), 3)).toBe(
      'This attachment could not be shown: page 3 has a picture too large to show safely. Ask the referrer to send it again.',
    );
    expect(pageFailure('RangeError: Maximum call stack size exceeded', 2)).toBe(
      'This attachment could not be shown: page 2 of the PDF is damaged and could not be drawn. Ask the referrer to send it again.',
    );
  });
});
