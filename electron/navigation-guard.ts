/**
 * What the app's windows may do beyond showing the app itself: nothing. Navigation and
 * redirects stay on the app's own pages, no page opens a window, and every permission a
 * page asks for (camera, microphone, location, notifications, anything Chromium adds
 * later) is refused. The decisions live here, in plain Node, so they are unit-tested
 * without Electron; main.ts only wires them to Electron's events (and refuses webviews,
 * which the window's webPreferences switch off as well).
 */
import { isAppUrl } from './window-options';

/** True when a navigation or redirect to `url` must be stopped: anything but the app's own pages. */
export function shouldBlockNavigation(url: string): boolean {
  return !isAppUrl(url);
}

/** What the app answers when a page asks for a new window (window.open, target=_blank, middle click). */
export interface WindowOpenRequest {
  url: string;
}

/**
 * Every new window is refused, even one for the app's own pages: the app has one window,
 * and links in documents go through the app's own "open this link?" dialog instead.
 */
export function windowOpenDecision(_request: WindowOpenRequest): { action: 'deny' } {
  return { action: 'deny' };
}

/**
 * Every permission request is refused. The app needs none, so there is no list of allowed
 * ones to get wrong, and a permission Chromium invents later is refused too.
 */
export function permissionDecision(_permission: string): false {
  return false;
}
