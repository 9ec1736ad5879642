/** The plain utif recipe from its README: decode, decode the first image, convert to RGBA. */
import * as utifModule from 'utif';

// utif is CommonJS: depending on the bundler's interop its functions are on the namespace or on `default`.
const UTIF = (utifModule as unknown as { default?: typeof utifModule }).default ?? utifModule;

export interface DecodedPage {
  width: number;
  height: number;
  rgba: Uint8Array;
}

export function decodeFirstPage(buffer: ArrayBuffer): DecodedPage {
  const ifds = UTIF.decode(buffer);
  const first = ifds[0];
  if (!first) throw new Error('no pages');
  UTIF.decodeImage(buffer, first);
  return { width: first.width, height: first.height, rgba: UTIF.toRGBA8(first) };
}
