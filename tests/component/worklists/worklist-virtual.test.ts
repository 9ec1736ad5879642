import { flushPromises } from '@vue/test-utils';
import { isProxy } from 'vue';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { useWorklistsStore } from '../../../renderer/worklist/worklists-store';
import { fakeClient, listView, makeRows, mountWorklists, must, shownUbrns, ubrnFor, type MountedWorklists } from './fixtures';

let mounted: MountedWorklists | null = null;

beforeEach(() => localStorage.clear());
afterEach(() => {
  mounted?.wrapper.unmount();
  mounted = null;
});

const ROW_HEIGHT = 56;
const HEADER_HEIGHT = 48;
const TOTAL = 10_000;

async function mountLarge() {
  mounted = await mountWorklists(fakeClient({ referrals: listView('referrals', makeRows(TOTAL)) }));
  // UBRN order is the order the rows were made in, so row i has UBRN ubrnFor(i + 1).
  await mounted.wrapper.get('[data-testid="sort-ubrn"]').trigger('click');
  return mounted.wrapper;
}

function spacerHeights(wrapper: MountedWorklists['wrapper']): number[] {
  return wrapper.findAll('.worklist-spacer td').map((td) => Number.parseInt((td.element as HTMLElement).style.height, 10));
}

describe('the virtualised table', () => {
  it('puts only a screenful of the 10,000 rows in the DOM, and tells assistive technology the real size', async () => {
    const wrapper = await mountLarge();
    const rendered = wrapper.findAll('[data-testid="worklist-row"]');
    expect(rendered.length).toBeGreaterThan(5);
    expect(rendered.length).toBeLessThan(40);
    expect(shownUbrns(wrapper)[0]).toBe(ubrnFor(1));
    expect(wrapper.get('[data-testid="worklist-table"]').attributes('aria-rowcount')).toBe(String(TOTAL + 1));
    expect(must(rendered[0]).attributes('aria-rowindex')).toBe('2');
    expect(wrapper.get('[data-testid="worklist-showing"]').text()).toBe('Showing 10000 of 10000 referrals');
    // The spacer below holds the place of every row not rendered, at the fixed row height.
    expect(spacerHeights(wrapper)).toEqual([(TOTAL - rendered.length) * ROW_HEIGHT]);
  });

  it('renders the rows at the scroll position after a scroll, and only those', async () => {
    const wrapper = await mountLarge();
    const scroller = wrapper.get('[data-testid="worklist-scroller"]').element as HTMLElement;
    scroller.scrollTop = HEADER_HEIGHT + 5000 * ROW_HEIGHT;
    scroller.dispatchEvent(new Event('scroll'));
    await flushPromises();

    const rendered = wrapper.findAll('[data-testid="worklist-row"]');
    expect(rendered.length).toBeLessThan(40);
    const indexes = rendered.map((row) => Number(row.attributes('aria-rowindex')) - 2);
    expect(indexes[0]).toBeLessThanOrEqual(5000);
    expect(indexes[0]).toBeGreaterThan(4980);
    expect(indexes.at(-1)).toBeGreaterThan(5005);
    // Consecutive rows, each the right one for its place.
    const first = must(indexes[0]);
    indexes.forEach((index, i) => {
      expect(index).toBe(first + i);
      expect(must(rendered[i]).attributes('data-ubrn')).toBe(ubrnFor(index + 1));
    });
    const [above, below] = spacerHeights(wrapper);
    expect(above).toBe(first * ROW_HEIGHT);
    expect(below).toBe((TOTAL - 1 - must(indexes.at(-1))) * ROW_HEIGHT);
    expect(rendered.some((row) => row.attributes('data-ubrn') === ubrnFor(5001))).toBe(true);
  });

  it('filters the 10,000 rows and starts the narrowed list from its top', async () => {
    const wrapper = await mountLarge();
    const scroller = wrapper.get('[data-testid="worklist-scroller"]').element as HTMLElement;
    scroller.scrollTop = HEADER_HEIGHT + 7000 * ROW_HEIGHT;
    scroller.dispatchEvent(new Event('scroll'));
    await flushPromises();
    await wrapper.get('[data-testid="worklist-search"]').setValue('999 000 0042');
    await flushPromises();
    expect(shownUbrns(wrapper)).toEqual([ubrnFor(42)]);
    expect(scroller.scrollTop).toBe(0);
    expect(spacerHeights(wrapper)).toEqual([]);
    expect(wrapper.get('[data-testid="worklist-showing"]').text()).toBe('Showing 1 of 10000 referrals');
  });

  it('keeps the rows out of Vue reactivity', async () => {
    await mountLarge();
    const store = useWorklistsStore(must(mounted).pinia);
    const list = store.lists.referrals;
    expect(isProxy(list.rows)).toBe(false);
    expect(isProxy(list.shown)).toBe(false);
    expect(isProxy(list.shown[0])).toBe(false);
    expect(isProxy(must(list.shown[0]).row)).toBe(false);
  });

  it('reuses its rows: a new sort and a scroll by one row keep the same row elements, patched in place', async () => {
    const wrapper = await mountLarge();
    const elements = () => wrapper.findAll('[data-testid="worklist-row"]').map((row) => row.element);
    const before = elements();
    expect(before.length).toBeGreaterThan(5);
    // A new sort shows other rows in the same elements.
    await wrapper.get('[data-testid="sort-ubrn"]').trigger('click');
    await flushPromises();
    expect(shownUbrns(wrapper)[0]).toBe(ubrnFor(TOTAL));
    expect(new Set(elements())).toEqual(new Set(before));
    const scroller = wrapper.get('[data-testid="worklist-scroller"]').element as HTMLElement;
    // Far enough down that the window has rows above the viewport too, then one row more.
    scroller.scrollTop = HEADER_HEIGHT + 100 * ROW_HEIGHT;
    scroller.dispatchEvent(new Event('scroll'));
    await flushPromises();
    const scrolled = elements();
    scroller.scrollTop = HEADER_HEIGHT + 101 * ROW_HEIGHT;
    scroller.dispatchEvent(new Event('scroll'));
    await flushPromises();
    const oneMore = elements();
    expect(oneMore).toHaveLength(scrolled.length);
    // The same elements: the row that left the top went to the bottom, none was made anew.
    expect(new Set(oneMore)).toEqual(new Set(scrolled));
    expect(oneMore[0]).toBe(scrolled[1]);
    expect(oneMore.at(-1)).toBe(scrolled[0]);
  });
});
