/**
 * The single-key shortcut setting (WCAG 2.1.4) and the one table of shortcuts: with the
 * setting off, single keys do nothing while the Alt keys still work; the setting is kept
 * per user and holds nothing else; the overlay lists every shortcut in the table.
 */
import { mount } from '@vue/test-utils';
import { createPinia, setActivePinia } from 'pinia';
import { describe, expect, it, vi } from 'vitest';
import { createApp } from 'vue';
import { CLIENT_KEY } from '../../../renderer/api/client';
import ShortcutsOverlay from '../../../renderer/shell/components/ShortcutsOverlay.vue';
import { readSettings, userSettingsKey, useUserSettingsStore } from '../../../renderer/shell/user-settings-store';
import { isSingleKey, matchShortcut, SHORTCUTS } from '../../../renderer/shell/shortcuts';
import { viewerAction } from '../../../renderer/viewer/viewer-keys';
import { useSessionStore } from '../../../renderer/session/session-store';
import { signedInView } from '../worklists/fixtures';
import {
  bookedReferral,
  byTestId,
  cleanUpReviewScreens,
  fakeReviewClient,
  key,
  mountReview,
  need,
  referralScreen,
  rowsFor,
  UBRN,
  withWorklist,
} from '../review/fixtures';

cleanUpReviewScreens();

const SECOND = '100000000002';

async function reviewWithSetting(singleKeys: boolean) {
  const client = fakeReviewClient({ 'referral.open': ({ ubrn }) => referralScreen(bookedReferral(ubrn)) });
  withWorklist(client, 'referrals', rowsFor([UBRN, SECOND]));
  const mounted = await mountReview(client, `/referral/${UBRN}?list=referrals`);
  useUserSettingsStore(mounted.pinia).setSingleKeys(singleKeys);
  return mounted;
}

/** A Pinia with the client provided, signed in, outside any screen. */
function signedInPinia() {
  const pinia = createPinia();
  const app = createApp({});
  app.use(pinia);
  app.provide(CLIENT_KEY as symbol, fakeReviewClient({}));
  setActivePinia(pinia);
  const session = app.runWithContext(() => useSessionStore(pinia));
  session.view = signedInView({});
  return { pinia, app, session };
}

describe('single-key shortcuts setting', () => {
  it('off: a, r, j, u and ? do nothing on a review screen', async () => {
    const { router } = await reviewWithSetting(false);
    for (const name of ['a', 'r', 'j', 'u', '?']) {
      expect(key(name, need('item-heading')).defaultPrevented, name).toBe(false);
    }
    // What a single key would have done shows after the next render: nothing did.
    await vi.waitFor(() => expect(need('shortcut-help').textContent).not.toContain('A accept'));
    expect(byTestId('confirm-dialog')).toBeNull();
    expect(byTestId('reject-form')).toBeNull();
    expect(router.currentRoute.value.path).toBe(`/referral/${UBRN}`);
  });

  it('off: Alt+↓ still moves to the next item and Alt+← back to the list', async () => {
    const { router } = await reviewWithSetting(false);
    expect(key('ArrowDown', need('item-heading'), { altKey: true }).defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(router.currentRoute.value.fullPath).toBe(`/referral/${SECOND}?list=referrals`));
    await vi.waitFor(() => expect(need('item-heading').textContent).toBe(`Referral ${SECOND}`));
    expect(key('ArrowLeft', need('item-heading'), { altKey: true }).defaultPrevented).toBe(true);
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe('/worklists/referrals'));
  });

  it('on: j moves to the next item, k back, and a opens the confirmation', async () => {
    const { router } = await reviewWithSetting(true);
    key('j', need('item-heading'));
    await vi.waitFor(() => expect(need('item-heading').textContent).toBe(`Referral ${SECOND}`));
    key('k', need('item-heading'));
    await vi.waitFor(() => expect(router.currentRoute.value.path).toBe(`/referral/${UBRN}`));
    await vi.waitFor(() => expect(need('item-heading').textContent).toBe(`Referral ${UBRN}`));
    key('a', need('item-heading'));
    await vi.waitFor(() => expect(byTestId('confirm-dialog')).not.toBeNull());
  });

  it('is kept per user in local storage, and holds nothing but the setting', async () => {
    const { pinia, app, session } = signedInPinia();
    const keyboard = app.runWithContext(() => useUserSettingsStore(pinia));
    const userId = session.view?.user?.id ?? '';
    expect(keyboard.singleKeys).toBe(true);
    keyboard.setSingleKeys(false);
    const stored = localStorage.getItem(userSettingsKey(userId));
    expect(stored).toBe('{"singleKeys":false,"compact":false,"filtersOpen":true}');
    expect(userSettingsKey(userId)).not.toContain(userId);
    expect(readSettings(localStorage, userSettingsKey('someone-else')).singleKeys).toBe(true);
    // Another user signs in on this computer: their own setting, not this one.
    const view = session.view;
    if (!view) throw new Error('signed out');
    session.view = { ...view, user: { id: 'someone-else', name: 'Dr Other' } };
    await vi.waitFor(() => expect(keyboard.singleKeys).toBe(true));
    session.view = { ...view, user: { id: userId, name: 'Back again' } };
    await vi.waitFor(() => expect(keyboard.singleKeys).toBe(false));
  });
});

describe('the one table of shortcuts', () => {
  it('the overlay lists every shortcut in the table, and its checkbox turns single keys off', async () => {
    const { pinia } = signedInPinia();
    const wrapper = mount(ShortcutsOverlay, {
      attachTo: document.body,
      global: { plugins: [pinia], provide: { [CLIENT_KEY as symbol]: fakeReviewClient({}) } },
    });
    try {
      for (const def of SHORTCUTS) expect(byTestId(`shortcut-${def.id}`), def.id).not.toBeNull();
      const setting = need<HTMLInputElement>('single-key-setting');
      expect(setting.checked).toBe(true);
      setting.click();
      expect(useUserSettingsStore(pinia).singleKeys).toBe(false);
      await vi.waitFor(() => expect(document.querySelectorAll('.shortcuts-overlay__chord--off').length).toBeGreaterThan(0));
    } finally {
      wrapper.unmount();
    }
  });

  it('every single-key shortcut has an Alt or Ctrl key, a button or a link as well', () => {
    // Single keys that have no modifier twin are each reachable by a control on screen:
    // the decision buttons, the attachment list, the search box and the list rows.
    const withButtons = new Set([
      'viewer.zoom',
      'viewer.fit',
      'viewer.rotate',
      'review.accept',
      'review.reject',
      'review.triage',
      'review.reply',
      'review.convert',
      'review.nextAttachment',
      'review.previousAttachment',
      'worklist.search',
    ]);
    for (const def of SHORTCUTS) {
      const hasOther = def.chords.some((chord) => !isSingleKey(chord));
      expect(hasOther || withButtons.has(def.id), def.id).toBe(true);
    }
  });

  it("the viewers' single keys follow the setting too; their page keys and Ctrl+F do not need it", () => {
    const event = (k: string, init: KeyboardEventInit = {}) => new KeyboardEvent('keydown', { key: k, ...init });
    expect(viewerAction(event('r'), true)).toBe('rotate');
    expect(viewerAction(event('r'), false)).toBeNull();
    expect(viewerAction(event('+'), false)).toBeNull();
    expect(viewerAction(event('PageDown'), false)).toBe('next');
    expect(viewerAction(event('f', { ctrlKey: true }), false)).toBe('find');
  });

  it('matches modifiers exactly: Alt+1 is not 1, and a letter ignores Caps Lock', () => {
    const press = (k: string, mods: Partial<{ altKey: boolean; ctrlKey: boolean }> = {}) => ({
      key: k,
      altKey: false,
      ctrlKey: false,
      metaKey: false,
      ...mods,
    });
    expect(matchShortcut(press('1', { altKey: true }), ['list.referrals'], true)).toBe('list.referrals');
    expect(matchShortcut(press('1'), ['list.referrals'], true)).toBeNull();
    expect(matchShortcut(press('A'), ['review.accept'], true)).toBe('review.accept');
    expect(matchShortcut(press('a', { ctrlKey: true }), ['review.accept'], true)).toBeNull();
    expect(matchShortcut(press('a'), ['review.accept'], false)).toBeNull();
    expect(matchShortcut(press('ArrowDown', { altKey: true }), ['review.nextItem'], false)).toBe('review.nextItem');
  });
});
