/**
 * The one sentence a viewer shows in its own place when it cannot show a file: what
 * happened, then what to do. The rest of the screen carries on.
 */
export const ASK_AGAIN = 'Ask the referrer to send it again.';

export function cannotShow(reason: string, advice: string = ASK_AGAIN): string {
  return `This attachment could not be shown: ${reason} ${advice}`;
}
