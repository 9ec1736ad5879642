/**
 * A time as the app shows one that may be from an earlier day: "23:59", "23:59 on 1 Dec
 * 2026" or "1 Dec 23:59". A test running across midnight sees the second or third form for
 * something it did a moment before, so patterns for such times use this, not \d\d:\d\d.
 */
export const SHOWN_TIME = String.raw`(?:\d{1,2} [A-Z][a-z]{2} (?:\d{4} )?)?\d\d:\d\d(?: on \d{1,2} [A-Z][a-z]{2}(?: \d{4})?)?`;

/** A RegExp from `source`, with each `{time}` standing for SHOWN_TIME. */
export function withShownTime(source: string): RegExp {
  return new RegExp(source.replaceAll('{time}', SHOWN_TIME));
}
