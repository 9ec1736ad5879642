/**
 * The viewers' keyboard shortcuts in one place, so every viewer answers the same keys:
 * PageUp/PageDown (and Home/End) for pages, + and - for zoom, 0 for fit-to-width, R to
 * rotate, and Ctrl+F or / to find. Keys typed into a field are left to the field. The
 * shortcuts overlay lists them (shell/shortcuts.ts, screen 'viewer'); with single-key
 * shortcuts turned off, +, -, 0, R and / do nothing and the viewer's buttons remain.
 */
import type { InjectionKey, Ref } from 'vue';

/** Whether single-key shortcuts are on, provided by the app from the user's setting. */
export const SINGLE_KEYS: InjectionKey<Ref<boolean>> = Symbol('single-keys');

export type ViewerAction = 'next' | 'previous' | 'first' | 'last' | 'zoom-in' | 'zoom-out' | 'fit' | 'rotate' | 'find';

export function viewerAction(event: KeyboardEvent, singleKeys = true): ViewerAction | null {
  const target = event.target;
  const typing = target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
  if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'f') return 'find';
  if (typing || event.altKey || event.ctrlKey || event.metaKey) return null;
  if (!singleKeys && event.key.length === 1) return null;
  switch (event.key) {
    case 'PageDown':
      return 'next';
    case 'PageUp':
      return 'previous';
    case 'Home':
      return 'first';
    case 'End':
      return 'last';
    case '+':
    case '=':
      return 'zoom-in';
    case '-':
    case '_':
      return 'zoom-out';
    case '0':
      return 'fit';
    case 'r':
    case 'R':
      return 'rotate';
    case '/':
      return 'find';
    default:
      return null;
  }
}
