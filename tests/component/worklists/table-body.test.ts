/**
 * The worklist's body rows as table-body.ts writes them: the same markup the row component
 * rendered, parts that come and go between rows, the pool that keeps row elements in place,
 * and the events it hands back to the table.
 */
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import type { WorklistRow } from '../../../contract';
import { TableBody, type RowView } from '../../../renderer/worklist/table-body';
import { indexRows } from '../../../renderer/worklist/worklist-query';
import type { ClockCellText } from '../../../renderer/worklist/worklist-text';
import { makeRow, makeRows } from './fixtures';

const NO_CLOCK: ClockCellText = { title: undefined, primary: null, appointmentPassed: false };
const OVERDUE: ClockCellText = {
  title: 'Two week wait: day 20 of 14.',
  primary: { label: '2WW day 20 of 14', status: 'Overdue by 6 days', state: 'overdue', icon: '⚠' },
  appointmentPassed: true,
};
const WITHIN: ClockCellText = {
  title: '18-week referral to treatment: day 3 of 126.',
  primary: { label: 'RTT day 3 of 126', status: '123 days left', state: 'within', icon: '' },
  appointmentPassed: false,
};

let body: HTMLTableSectionElement;
let table: TableBody | null = null;
const opened: string[] = [];
const cursors: number[] = [];

function setUp(): TableBody {
  const element = document.createElement('table');
  body = document.createElement('tbody');
  element.append(body);
  document.body.append(element);
  table = new TableBody(body, { cursor: (index) => cursors.push(index), open: (row) => opened.push(row.ubrn) });
  return table;
}

afterEach(() => {
  table?.destroy();
  table = null;
  document.body.replaceChildren();
  opened.length = 0;
  cursors.length = 0;
});

function viewsOf(rows: readonly WorklistRow[], first: number, count: number, overrides: Partial<RowView> = {}): RowView[] {
  const indexed = indexRows(rows);
  return Array.from({ length: count }, (_, offset) => {
    const index = first + offset;
    const item = indexed[index];
    if (!item) throw new Error(`no row ${index}`);
    return {
      item,
      index,
      cursor: false,
      isNew: false,
      tabbable: offset === 0,
      openable: true,
      openLabel: 'Open referral',
      href: `#/referral/${item.ubrn}`,
      patient: { name: null, note: 'Not yet checked', age: null, flags: [] },
      cells: { priority: 'Routine', date: '1 Nov 2026', waiting: '30 days', dateTitle: '1 Nov 2026, 30 days', clock: NO_CLOCK },
      ...overrides,
    };
  });
}

const rowsIn = () => [...body.querySelectorAll<HTMLTableRowElement>('tr[data-worklist-row]')];

describe('the worklist body rows', () => {
  it('writes the row markup: the link with its hidden label, the cells and their hover text', () => {
    const rows = [
      makeRow(1, { service: 'Cardiology Clinic', specialty: 'Cardiology', reviewStatus: 'Never Reviewed', assignedClinician: null }),
    ];
    setUp().render(viewsOf(rows, 0, 1), 0, 0);
    const tr = rowsIn()[0] as HTMLTableRowElement;
    expect(tr.getAttribute('aria-rowindex')).toBe('2');
    expect(tr.dataset.ubrn).toBe(rows[0]?.ubrn);
    const link = tr.querySelector<HTMLAnchorElement>('[data-testid="worklist-open"]');
    expect(link?.textContent).toBe(`Open referral ${rows[0]?.ubrn}`);
    expect(link?.querySelector('.visually-hidden')?.textContent).toBe('Open referral ');
    expect(link?.getAttribute('href')).toBe(`#/referral/${rows[0]?.ubrn}`);
    expect(link?.getAttribute('tabindex')).toBe('0');
    expect(tr.cells).toHaveLength(11);
    expect(tr.cells[5]?.textContent).toBe('Cardiology Clinic');
    expect(tr.cells[5]?.title).toBe('Cardiology Clinic');
    expect(tr.querySelector('.worklist-unassigned')?.textContent).toBe('Unassigned');
    expect(tr.cells[10]?.title).toBe('Unassigned');
    expect(tr.querySelector('[data-testid="cell-patient"]')?.textContent).toBe('Not yet checked');
    expect(tr.querySelector('[data-testid="waiting-clock"]')?.textContent).toBe('No clock');
  });

  it('adds and takes away the parts that differ between rows, leaving no trace of the row before', () => {
    const rows = [makeRow(1, { assignedClinician: 'Dr Alex Consultant' }), makeRow(2, { nhsNumber: '999 999 9990' })];
    const tableBody = setUp();
    const first = viewsOf(rows, 0, 1, {
      isNew: true,
      patient: { name: 'SMITH, Jane', note: null, age: '48', flags: ['Deceased', 'Restricted'] },
      cells: { priority: 'Urgent', date: '2 Nov 2026', waiting: '29 days', dateTitle: '2 Nov 2026, 29 days', clock: OVERDUE },
    });
    tableBody.render(first, 0, 0);
    const tr = rowsIn()[0] as HTMLTableRowElement;
    expect(tr.querySelector('[data-testid="new-marker"]')?.textContent).toBe('New since you last looked');
    expect(tr.querySelector('[data-testid="cell-patient"]')?.textContent).toBe('SMITH, JaneDeceasedRestricted');
    expect(tr.querySelector('[data-testid="cell-age"]')?.textContent).toBe('48');
    expect(tr.querySelector('[data-testid="waiting-clock-status"]')?.textContent).toBe('⚠Overdue by 6 days');
    expect(tr.querySelector('[data-testid="waiting-clock-appointment"]')?.textContent).toBe('⚠Appointment passed');
    expect(tr.querySelector('[data-testid="waiting-clock"]')?.getAttribute('title')).toBe(OVERDUE.title);
    expect(tr.cells[10]?.textContent).toBe('Dr Alex Consultant');

    // The same row element now shows a row without any of those parts.
    tableBody.render(
      viewsOf(rows, 1, 1, { cells: { ...(first[0] as RowView).cells, clock: WITHIN } }).map((v) => ({ ...v, index: 0 })),
      0,
      0,
    );
    expect(rowsIn()[0]).toBe(tr);
    expect(tr.querySelector('[data-testid="new-marker"]')).toBeNull();
    expect(tr.querySelector('[data-testid="cell-patient"]')?.textContent).toBe('Not yet checked');
    expect(tr.querySelector('[data-testid="cell-age"]')?.textContent).toBe('');
    expect(tr.querySelector('[data-testid="cell-nhs-invalid"]')?.textContent).toBe('Invalid number');
    expect(tr.querySelector('[data-testid="waiting-clock-status"]')?.textContent).toBe('123 days left');
    expect(tr.querySelector('.waiting-clock__icon')).toBeNull();
    expect(tr.querySelector('[data-testid="waiting-clock-appointment"]')).toBeNull();
    expect(tr.cells[10]?.textContent).toBe('Unassigned');

    // Where the role may not open items, the UBRN is a focusable span instead of a link.
    tableBody.render(viewsOf(rows, 0, 1, { openable: false }), 0, 0);
    expect(tr.querySelector('[data-testid="worklist-open"]')).toBeNull();
    expect(tr.querySelector('[data-testid="worklist-ubrn"]')?.textContent).toBe(rows[0]?.ubrn);
  });

  it('keeps its row elements through a window one row longer or shorter, and moves only the rows that left the window', () => {
    const rows = makeRows(200);
    const tableBody = setUp();
    tableBody.render(viewsOf(rows, 10, 18), 10 * 56, 172 * 56);
    const before = new Set(rowsIn());
    let moved = 0;
    const observer = new MutationObserver((records) => {
      for (const record of records)
        moved += [...record.addedNodes].filter((n) => n instanceof HTMLTableRowElement && n.dataset.worklistRow !== undefined).length;
    });
    observer.observe(body, { childList: true });
    // Scrolling down by 2 rows, then a part-row that shows 19 rows, then back to 18.
    tableBody.render(viewsOf(rows, 12, 18), 12 * 56, 170 * 56);
    tableBody.render(viewsOf(rows, 13, 19), 13 * 56, 168 * 56);
    tableBody.render(viewsOf(rows, 14, 18), 14 * 56, 168 * 56);
    const records = observer.takeRecords();
    for (const record of records)
      moved += [...record.addedNodes].filter((n) => n instanceof HTMLTableRowElement && n.dataset.worklistRow !== undefined).length;
    observer.disconnect();
    // 2 rows moved for the first step, 1 added for the longer window, 1 moved for the last.
    expect(moved).toBeLessThanOrEqual(4);
    const after = rowsIn();
    expect(after.map((tr) => Number(tr.getAttribute('aria-rowindex')) - 2)).toEqual(Array.from({ length: 18 }, (_, i) => 14 + i));
    expect(after.filter((tr) => before.has(tr)).length).toBeGreaterThanOrEqual(17);
    const spacers = [...body.querySelectorAll<HTMLElement>('.worklist-spacer td')].map((td) => td.style.height);
    expect(spacers).toEqual([`${14 * 56}px`, `${168 * 56}px`]);
    expect(body.firstElementChild?.classList.contains('worklist-spacer')).toBe(true);
    expect(body.lastElementChild?.classList.contains('worklist-spacer')).toBe(true);
  });

  it('keeps each item on its row element while the item stays in the window, wherever a refresh moves it', () => {
    const rows = makeRows(30);
    const tableBody = setUp();
    tableBody.render(viewsOf(rows, 0, 10), 0, 20 * 56);
    const elementOf = new Map(rowsIn().map((tr) => [tr.dataset.ubrn, tr]));
    // A refresh: the first two items were decided elsewhere and a new one came in at the top.
    const refreshed = [makeRow(99), ...rows.slice(2)];
    tableBody.render(viewsOf(refreshed, 0, 10), 0, 19 * 56);
    const after = rowsIn();
    expect(after.map((tr) => tr.dataset.ubrn)).toEqual(refreshed.slice(0, 10).map((row) => row.ubrn));
    // The eight items in both windows are on the rows they were on.
    const stayed = after.filter((tr) => elementOf.has(tr.dataset.ubrn));
    expect(stayed).toHaveLength(8);
    for (const tr of stayed) expect(tr, tr.dataset.ubrn).toBe(elementOf.get(tr.dataset.ubrn));
    // The rows of the two that left show the two new ones: no row was built.
    expect(new Set(after)).toEqual(new Set(elementOf.values()));
    expect(after[0]?.dataset.ubrn).toBe(refreshed[0]?.ubrn);
    expect(after[0]?.getAttribute('aria-rowindex')).toBe('2');
  });

  it('keeps focus on the item it was on when a refresh moves the item, and takes it off a row that comes to show another', () => {
    const rows = makeRows(30);
    const tableBody = setUp();
    tableBody.render(viewsOf(rows, 0, 10), 0, 20 * 56);
    const ubrnOfFocus = () => document.activeElement?.closest<HTMLElement>('[data-worklist-row]')?.dataset.ubrn ?? null;
    const linkOf = (ubrn: string | undefined) => body.querySelector<HTMLElement>(`[data-ubrn="${ubrn}"] .worklist-open`);
    linkOf(rows[5]?.ubrn)?.focus();
    expect(ubrnOfFocus()).toBe(rows[5]?.ubrn);
    // Two items above it go: it moves up two rows, with focus.
    tableBody.render(viewsOf(rows.slice(2), 0, 10), 0, 18 * 56);
    expect(ubrnOfFocus()).toBe(rows[5]?.ubrn);
    expect(document.activeElement?.closest('tr')?.getAttribute('aria-rowindex')).toBe('5');
    // A new sort puts it out of the window: its row shows another item, and focus is not on it.
    tableBody.render(viewsOf([...rows].reverse(), 0, 10), 0, 20 * 56);
    expect(rowsIn().map((tr) => tr.dataset.ubrn)).not.toContain(rows[5]?.ubrn);
    expect(ubrnOfFocus()).toBeNull();
    // Focus on a row that scrolls out of the window goes with it.
    linkOf(rows[25]?.ubrn)?.focus();
    expect(ubrnOfFocus()).toBe(rows[25]?.ubrn);
    tableBody.render(viewsOf(rows, 0, 8), 0, 22 * 56);
    expect(ubrnOfFocus()).toBeNull();
  });

  it('lets go of its rows, and the details in them, when the list empties (the app locks, the role changes)', () => {
    const rows = makeRows(20);
    const tableBody = setUp();
    tableBody.render(viewsOf(rows, 0, 10), 0, 10 * 56);
    const before = rowsIn();
    tableBody.render([], 0, 0);
    expect(body.children).toHaveLength(0);
    tableBody.render(viewsOf(rows, 0, 10), 0, 10 * 56);
    // Built afresh: none of the elements that showed the earlier rows is kept.
    expect(rowsIn().filter((tr) => before.includes(tr))).toEqual([]);
  });

  it('hands back a click on a row as the cursor, and on its link as opening the item', () => {
    const rows = makeRows(5);
    setUp().render(viewsOf(rows, 0, 5), 0, 0);
    const third = rowsIn()[2] as HTMLTableRowElement;
    third.cells[6]?.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true }));
    expect(cursors).toEqual([2]);
    expect(opened).toEqual([]);
    const link = third.querySelector('a') as HTMLAnchorElement;
    const click = new MouseEvent('click', { bubbles: true, cancelable: true });
    link.dispatchEvent(click);
    expect(click.defaultPrevented).toBe(true);
    expect(opened).toEqual([rows[2]?.ubrn]);
    link.dispatchEvent(new FocusEvent('focusin', { bubbles: true }));
    expect(cursors).toEqual([2, 2, 2]);
  });

  it('a reused row shows exactly what a row built fresh for the same item shows, whatever it showed before', () => {
    const rows = makeRows(400).map((row, i) =>
      i % 7 === 0 ? { ...row, assignedClinician: null } : i % 11 === 0 ? { ...row, nhsNumber: '999 999 9990' } : row,
    );
    const clocks = [NO_CLOCK, OVERDUE, WITHIN, { ...OVERDUE, appointmentPassed: false }, { ...NO_CLOCK, appointmentPassed: true }];
    const patients = [
      { name: null, note: 'Not yet checked', age: null, flags: [] },
      { name: 'SMITH, Jane', note: null, age: '48', flags: ['Deceased'] },
      { name: 'JONES, Ann', note: null, age: '7', flags: ['Number replaced', 'Restricted'] },
      { name: null, note: 'Name not recorded', age: '60', flags: [] },
    ];
    // Each step: a window (start and length), and which rows are new, open, tabbable or the cursor.
    // The list as a refresh or a new sort may leave it: as it was, reversed, without its first
    // few items and with new ones, or rotated.
    const lists = [rows, [...rows].reverse(), [...rows.slice(3), ...makeRows(3, 1001)], [...rows.slice(7), ...rows.slice(0, 7)]];
    const stepArb = fc.record({
      list: fc.nat(lists.length - 1),
      start: fc.nat(380),
      length: fc.integer({ min: 1, max: 20 }),
      seed: fc.nat(1000),
      openable: fc.boolean(),
      focus: fc.option(fc.nat(19)),
    });
    type Step = { list: number; start: number; length: number; seed: number; openable: boolean };
    const viewsFor = (step: Step): RowView[] =>
      viewsOf(lists[step.list] ?? rows, step.start, step.length).map((view) => ({
        ...view,
        isNew: (view.index + step.seed) % 3 === 0,
        cursor: view.index === step.start + (step.seed % step.length),
        tabbable: view.index === step.start,
        openable: step.openable,
        patient: patients[(view.index + step.seed) % patients.length] as RowView['patient'],
        cells: { ...view.cells, clock: clocks[(view.index * 3 + step.seed) % clocks.length] as ClockCellText },
      }));
    // Elements with their attributes and classes in order (the order they were set in says nothing), and texts.
    const normal = (node: Node): string => {
      if (!(node instanceof Element)) return JSON.stringify(node.textContent);
      const value = (a: Attr) => (a.name === 'class' ? a.value.split(' ').sort().join(' ') : a.value);
      const attributes = [...node.attributes].map((a) => `${a.name}=${JSON.stringify(value(a))}`).sort();
      return `<${node.localName} ${attributes.join(' ')}>${[...node.childNodes].map(normal).join('')}</${node.localName}>`;
    };
    const shape = (tbody: HTMLTableSectionElement) => [...tbody.children].map(normal);
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 8 }), (steps) => {
        const reused = setUp();
        for (const step of steps) {
          // Focus on one of the rows, if any, as the keyboard cursor puts it.
          const before = rowsIn();
          const focused = step.focus === null ? undefined : before[step.focus % Math.max(before.length, 1)];
          focused?.querySelector<HTMLElement>('.worklist-open')?.focus();
          const elementOf = new Map(before.map((tr) => [tr.dataset.ubrn, tr]));
          reused.render(viewsFor(step), step.start * 56, (rows.length - step.start - step.length) * 56);
          // An item in the window before and after is on the same row element.
          for (const tr of rowsIn()) if (elementOf.has(tr.dataset.ubrn)) expect(tr).toBe(elementOf.get(tr.dataset.ubrn));
          // Focus is on the item it was on, or on no row: never on a row showing another item.
          const focusRow = document.activeElement?.closest<HTMLElement>('[data-worklist-row]');
          if (focusRow) expect(focusRow.dataset.ubrn).toBe(focused?.dataset.ubrn);
        }
        const last = steps[steps.length - 1] as (typeof steps)[number];
        const pooled = shape(body);
        reused.destroy();
        const fresh = setUp();
        fresh.render(viewsFor(last), last.start * 56, (rows.length - last.start - last.length) * 56);
        expect(pooled).toEqual(shape(body));
        fresh.destroy();
        table = null;
        document.body.replaceChildren();
      }),
      { numRuns: 60 },
    );
  });
});
