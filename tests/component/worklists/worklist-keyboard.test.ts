import { flushPromises } from '@vue/test-utils';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeClient, listView, makeRows, mountWorklists, must, press, shownUbrns, type MountedWorklists } from './fixtures';

let mounted: MountedWorklists | null = null;

beforeEach(() => {
  localStorage.clear();
  (document.activeElement as HTMLElement | null)?.blur();
});
afterEach(() => {
  mounted?.wrapper.unmount();
  mounted = null;
});

function cursorUbrn(): string | undefined {
  return must(mounted).wrapper.find('[data-cursor="true"]').attributes('data-ubrn');
}
function focusedRowUbrn(): string | null {
  return document.activeElement?.closest('[data-testid="worklist-row"]')?.getAttribute('data-ubrn') ?? null;
}
async function key(name: string, target: Element | null = document.activeElement): Promise<KeyboardEvent> {
  const event = press(name, target);
  await flushPromises();
  return event;
}

describe('keyboard', () => {
  it('moves the cursor with j, k and the arrows, and focus follows it', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', makeRows(8)) }));
    const order = shownUbrns(mounted.wrapper);
    expect(cursorUbrn()).toBe(order[0]);

    expect((await key('j', document.body)).defaultPrevented).toBe(true);
    expect(cursorUbrn()).toBe(order[1]);
    expect(focusedRowUbrn()).toBe(order[1]);
    expect(document.activeElement?.classList.contains('worklist-open')).toBe(true);

    await key('ArrowDown');
    expect(cursorUbrn()).toBe(order[2]);
    expect(focusedRowUbrn()).toBe(order[2]);
    await key('k');
    expect(cursorUbrn()).toBe(order[1]);
    await key('ArrowUp');
    expect(cursorUbrn()).toBe(order[0]);
    await key('k');
    expect(cursorUbrn()).toBe(order[0]);
    await key('End');
    expect(cursorUbrn()).toBe(order[7]);
    expect(focusedRowUbrn()).toBe(order[7]);
    await key('j');
    expect(cursorUbrn()).toBe(order[7]);
    await key('Home');
    expect(cursorUbrn()).toBe(order[0]);
  });

  it('keeps exactly one row link in the tab order: the cursor row', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', makeRows(5)) }));
    await key('j', document.body);
    const tabbable = mounted.wrapper.findAll('[data-testid="worklist-open"]').filter((link) => link.attributes('tabindex') === '0');
    expect(tabbable).toHaveLength(1);
    expect(must(tabbable[0]).element.closest('[data-testid="worklist-row"]')?.getAttribute('data-ubrn')).toBe(cursorUbrn());
  });

  it('opens the cursor row with Enter, and the back link returns to it with focus on it', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', makeRows(8)) }));
    const { wrapper, router } = mounted;
    const order = shownUbrns(wrapper);
    await key('j', document.body);
    await key('j');
    const event = await key('Enter');
    expect(event.defaultPrevented).toBe(true);
    await flushPromises();
    expect(router.currentRoute.value.path).toBe(`/referral/${order[2]}`);
    expect(wrapper.get('[data-testid="item-heading"]').text()).toBe(`Referral ${order[2]}`);

    await wrapper.get('[data-testid="back-to-worklist"]').trigger('click');
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/worklists/referrals');
    expect(cursorUbrn()).toBe(order[2]);
    expect(focusedRowUbrn()).toBe(order[2]);
  });

  it('opens an advice and guidance item at its own address', async () => {
    // An A&G item's id is its own (the CommunicationRequest's), not necessarily its UBRN.
    const rows = makeRows(3, 300).map((row) => ({ ...row, id: `ag-${row.ubrn}` }));
    mounted = await mountWorklists(fakeClient({ advice: listView('advice', rows) }), { path: '/worklists/advice' });
    const first = shownUbrns(mounted.wrapper)[0];
    await key('Enter', document.body);
    await flushPromises();
    expect(mounted.router.currentRoute.value.path).toBe(`/advice/ag-${first}`);
    expect(mounted.wrapper.get('[data-testid="item-heading"]').text()).toBe(`Advice request ag-${first}`);
    await mounted.wrapper.get('[data-testid="back-to-worklist"]').trigger('click');
    await flushPromises();
    expect(mounted.router.currentRoute.value.path).toBe('/worklists/advice');
  });

  it('opens a row by a click on its UBRN link', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', makeRows(4)) }));
    const ubrn = shownUbrns(mounted.wrapper)[3];
    const link = must(mounted.wrapper.findAll('[data-testid="worklist-open"]')[3]);
    expect(link.attributes('href')).toBe(`#/referral/${ubrn}`);
    expect(link.text()).toBe(`Open referral ${ubrn}`);
    await link.trigger('click');
    await flushPromises();
    expect(mounted.router.currentRoute.value.path).toBe(`/referral/${ubrn}`);
    expect(mounted.wrapper.get('[data-testid="item-heading"]').text()).toBe(`Referral ${ubrn}`);
  });

  it('focuses the search with /, types j into it without moving, and Escape goes back to the list', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', makeRows(8)) }));
    const order = shownUbrns(mounted.wrapper);
    await key('j', document.body);
    expect(cursorUbrn()).toBe(order[1]);

    const slash = await key('/');
    expect(slash.defaultPrevented).toBe(true);
    const search = mounted.wrapper.get('[data-testid="worklist-search"]').element as HTMLInputElement;
    expect(document.activeElement).toBe(search);

    const typed = await key('j', search);
    expect(typed.defaultPrevented).toBe(false);
    expect(cursorUbrn()).toBe(order[1]);

    await mounted.wrapper.get('[data-testid="worklist-search"]').setValue('9990000');
    const escape = await key('Escape', search);
    expect(escape.defaultPrevented).toBe(true);
    expect(search.value).toBe('9990000');
    expect(focusedRowUbrn()).toBe(order[1]);
  });

  it('goes from the search box to the list with the down arrow', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', makeRows(3)) }));
    await key('/', document.body);
    await key('ArrowDown');
    expect(focusedRowUbrn()).toBe(shownUbrns(mounted.wrapper)[0]);
  });

  it('leaves keys alone in the filter selects and on the sort buttons', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', makeRows(5)) }));
    const select = mounted.wrapper.get('[data-testid="filter-specialty"]').element as HTMLSelectElement;
    select.focus();
    expect((await key('/', select)).defaultPrevented).toBe(false);
    expect((await key('ArrowDown', select)).defaultPrevented).toBe(false);
    expect(document.activeElement).toBe(select);

    const sortButton = mounted.wrapper.get('[data-testid="sort-service"]').element as HTMLButtonElement;
    sortButton.focus();
    expect((await key('Enter', sortButton)).defaultPrevented).toBe(false);
    expect(mounted.router.currentRoute.value.path).toBe('/worklists/referrals');
  });

  it('ignores the list keys while a dialog is open on top', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', makeRows(5)) }));
    const dialog = document.createElement('div');
    dialog.setAttribute('role', 'alertdialog');
    const button = document.createElement('button');
    dialog.append(button);
    document.body.append(dialog);
    try {
      const before = cursorUbrn();
      expect((await key('j', button)).defaultPrevented).toBe(false);
      expect((await key('/', button)).defaultPrevented).toBe(false);
      expect(cursorUbrn()).toBe(before);
    } finally {
      dialog.remove();
    }
  });

  it('scrolls a far cursor into view and renders its row', async () => {
    mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', makeRows(400)) }));
    const scroller = mounted.wrapper.get('[data-testid="worklist-scroller"]').element as HTMLElement;
    await key('End', document.body);
    expect(scroller.scrollTop).toBeGreaterThan(0);
    const rows = mounted.wrapper.findAll('[data-testid="worklist-row"]');
    expect(must(rows.at(-1)).attributes('aria-rowindex')).toBe('401');
    expect(focusedRowUbrn()).toBe(cursorUbrn());
    await key('PageUp');
    const cursorRow = mounted.wrapper.get('[data-cursor="true"]');
    expect(Number(cursorRow.attributes('aria-rowindex'))).toBeLessThan(401);
    expect(focusedRowUbrn()).toBe(cursorUbrn());
  });
});
