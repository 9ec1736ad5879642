/**
 * The worklist table's body rows, written to the DOM directly rather than through Vue's
 * render and patch. Every sort, filter, search keystroke and fling frame replaces the text
 * of every row on screen; Vue's virtual DOM spent about 0.2 ms a row doing that (building
 * and diffing some 46 nodes, and child components), which is most of the script in one
 * frame. Here each row is built once, kept in a pool, and an update writes only the texts
 * and attributes whose values changed.
 *
 * The markup is what the row component rendered before, so the styles, the tests and
 * assistive technology see the same table: a link (or, where the role may not open items,
 * a focusable span) with the UBRN, the priority badge, the NHS number, the patient from
 * PDS, the dates and the waiting clock. Events are handled once, on the table body.
 */
import type { WorklistRow } from '../../contract';
import type { PatientCell } from './patient-text';
import type { IndexedRow } from './worklist-query';
import type { RowCellText } from './worklist-text';

/** What one rendered row shows. */
export interface RowView {
  item: IndexedRow;
  /** Position in the list (0-based). */
  index: number;
  cursor: boolean;
  isNew: boolean;
  tabbable: boolean;
  openable: boolean;
  /** The words before the UBRN in its link, e.g. "Open referral". */
  openLabel: string;
  href: string;
  patient: PatientCell;
  cells: RowCellText;
}

export interface TableBodyEvents {
  /** The user clicked a row or focused its link. */
  cursor(index: number): void;
  /** The user followed a row's link. */
  open(row: WorklistRow): void;
}

const COLUMN_COUNT = 11;

function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  className?: string,
  attributes?: Record<string, string>,
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (className) element.className = className;
  if (attributes) for (const [name, value] of Object.entries(attributes)) element.setAttribute(name, value);
  return element;
}

function setText(node: Text, value: string): void {
  if (node.data !== value) node.data = value;
}

function setAttr(element: Element, name: string, value: string | null): void {
  if (value === null) {
    if (element.hasAttribute(name)) element.removeAttribute(name);
  } else if (element.getAttribute(name) !== value) element.setAttribute(name, value);
}

/**
 * Puts the wanted nodes in `parent`, in this order, and takes the others out, touching only
 * those not already in place. The nodes are kept, so a part that comes and goes between
 * rows (a badge, a flag, the clock's icon) is never built twice.
 */
function arrange(parent: Node, parts: readonly (readonly [node: Node, wanted: boolean])[]): void {
  let next: Node | null = null;
  for (let i = parts.length - 1; i >= 0; i -= 1) {
    const [node, wanted] = parts[i] as readonly [Node, boolean];
    if (!wanted) {
      if (node.parentNode === parent) parent.removeChild(node);
      continue;
    }
    if (node.parentNode !== parent || node.nextSibling !== next) parent.insertBefore(node, next);
    next = node;
  }
}

function textSpan(className: string, attributes?: Record<string, string>): { span: HTMLSpanElement; text: Text } {
  const span = el('span', className, attributes);
  const text = document.createTextNode('');
  span.append(text);
  return { span, text };
}

/** A cell whose title is its text: service, specialty, status. */
interface TextCell {
  td: HTMLTableCellElement;
  text: Text;
}

function textCell(className = 'worklist-cell', attributes?: Record<string, string>): TextCell {
  const td = el('td', className, attributes);
  const text = document.createTextNode('');
  td.append(text);
  return { td, text };
}

function patchTextCell(cell: TextCell, value: string, title: string | null = value): void {
  setText(cell.text, value);
  setAttr(cell.td, 'title', title);
}

/** One pooled row: its elements, and what it last showed. */
class RowElement {
  readonly tr = el('tr', 'worklist-row', { 'data-testid': 'worklist-row', 'data-worklist-row': '' });
  view: RowView | null = null;
  private readonly ubrnCell = el('td', 'worklist-cell worklist-cell--ubrn');
  private readonly link = el('a', 'worklist-open', { 'data-testid': 'worklist-open' });
  private readonly linkLabel = document.createTextNode('');
  private readonly linkUbrn = document.createTextNode('');
  private readonly staticUbrn = el('span', 'worklist-open worklist-open--static', { 'data-testid': 'worklist-ubrn' });
  private readonly staticText = document.createTextNode('');
  private readonly newBadge = el('strong', 'new-badge', { 'data-testid': 'new-marker' });
  private readonly priorityCell = el('td', 'worklist-cell');
  private readonly priorityBadge = el('span', 'priority-badge');
  private readonly priorityText = document.createTextNode('');
  private readonly nhsSpan = el('span', 'worklist-nhs', { 'data-testid': 'cell-nhs' });
  private readonly nhsText = document.createTextNode('');
  private readonly nhsInvalid = el('strong', 'worklist-nhs-invalid', { 'data-testid': 'cell-nhs-invalid' });
  private readonly nhsCell = el('td', 'worklist-cell worklist-cell--nhs');
  private readonly patientCell = el('td', 'worklist-cell worklist-cell--patient', { 'data-testid': 'cell-patient' });
  private readonly patientName = textSpan('worklist-patient');
  private readonly patientNote = textSpan('worklist-patient-note');
  private readonly patientFlags: { span: HTMLSpanElement; text: Text }[] = [];
  private readonly age = textCell('worklist-cell worklist-cell--age', { 'data-testid': 'cell-age' });
  private readonly service = textCell();
  private readonly specialty = textCell();
  private readonly dateCell = el('td', 'worklist-cell worklist-cell--date');
  private readonly dateText = document.createTextNode('');
  private readonly waitingText = document.createTextNode('');
  private readonly clockCell = el('td', 'worklist-cell worklist-cell--clock', { 'data-testid': 'cell-clock' });
  private readonly clock = el('span', 'waiting-clock', { 'data-testid': 'waiting-clock' });
  private readonly clockLabel = textSpan('waiting-clock__label');
  private readonly clockStatus = el('span', 'waiting-clock__status', { 'data-testid': 'waiting-clock-status' });
  private readonly clockIcon = textSpan('waiting-clock__icon', { 'aria-hidden': 'true' });
  private readonly clockStatusText = document.createTextNode('');
  private readonly clockAppointment = el('span', 'waiting-clock__status', {
    'data-state': 'overdue',
    'data-testid': 'waiting-clock-appointment',
  });
  private readonly clockNone = el('span', 'waiting-clock__none');
  private readonly status = textCell();
  private readonly assignedCell = el('td', 'worklist-cell');
  private readonly assignedText = document.createTextNode('');
  private readonly unassigned = el('span', 'worklist-unassigned');

  constructor() {
    const hidden = el('span', 'visually-hidden');
    hidden.append(this.linkLabel);
    this.link.append(hidden, this.linkUbrn);
    this.staticUbrn.append(this.staticText);
    const since = el('span', 'visually-hidden');
    since.textContent = ' since you last looked';
    this.newBadge.append('New', since);
    this.ubrnCell.append(this.link);
    this.priorityBadge.append(this.priorityText);
    this.priorityCell.append(this.priorityBadge);
    this.nhsSpan.append(this.nhsText);
    this.nhsInvalid.textContent = 'Invalid number';
    this.nhsCell.append(this.nhsSpan);
    const date = el('span', 'worklist-date');
    date.append(this.dateText);
    const waiting = el('span', 'worklist-waiting');
    waiting.append(this.waitingText);
    this.dateCell.append(date, waiting);
    this.unassigned.textContent = 'Unassigned';
    const appointmentIcon = el('span', 'waiting-clock__icon', { 'aria-hidden': 'true' });
    appointmentIcon.textContent = '⚠';
    this.clockAppointment.append(appointmentIcon, 'Appointment passed');
    this.clockNone.textContent = 'No clock';
    this.clockCell.append(this.clock);
    this.assignedCell.append(this.assignedText);
    this.tr.append(
      this.ubrnCell,
      this.priorityCell,
      this.nhsCell,
      this.patientCell,
      this.age.td,
      this.service.td,
      this.specialty.td,
      this.dateCell,
      this.clockCell,
      this.status.td,
      this.assignedCell,
    );
  }

  patch(view: RowView): void {
    this.view = view;
    const { item, cells } = view;
    const row = item.row;
    const tr = this.tr;
    tr.classList.toggle('worklist-row--cursor', view.cursor);
    tr.classList.toggle('worklist-row--new', view.isNew);
    setAttr(tr, 'aria-rowindex', String(view.index + 2));
    setAttr(tr, 'data-cursor', view.cursor ? 'true' : null);
    setAttr(tr, 'data-ubrn', row.ubrn);

    // UBRN: a link to the item, or where it may not be opened, still a stop for the keyboard cursor.
    const opener = view.openable ? this.link : this.staticUbrn;
    arrange(this.ubrnCell, [
      [this.link, view.openable],
      [this.staticUbrn, !view.openable],
      [this.newBadge, view.isNew],
    ]);
    setAttr(opener, 'tabindex', view.tabbable ? '0' : '-1');
    if (view.openable) {
      setAttr(this.link, 'href', view.href);
      setText(this.linkLabel, `${view.openLabel} `);
      setText(this.linkUbrn, row.ubrn);
    } else setText(this.staticText, row.ubrn);

    setAttr(this.priorityCell, 'title', cells.priority);
    setAttr(this.priorityBadge, 'data-priority', row.priority);
    setText(this.priorityText, cells.priority);

    setText(this.nhsText, row.nhsNumber);
    arrange(this.nhsCell, [
      [this.nhsSpan, true],
      [this.nhsInvalid, !item.nhsValid],
    ]);

    this.patchPatient(view.patient);
    patchTextCell(this.age, view.patient.age ?? '', null);
    patchTextCell(this.service, row.service);
    patchTextCell(this.specialty, row.specialty);

    setAttr(this.dateCell, 'title', cells.dateTitle);
    setText(this.dateText, cells.date);
    setText(this.waitingText, cells.waiting);

    this.patchClock(cells.clock);

    patchTextCell(this.status, row.reviewStatus);
    setAttr(this.assignedCell, 'title', row.assignedClinician || 'Unassigned');
    setText(this.assignedText, row.assignedClinician ?? '');
    arrange(this.assignedCell, [
      [this.assignedText, Boolean(row.assignedClinician)],
      [this.unassigned, !row.assignedClinician],
    ]);
  }

  /** PDS's name, or why there is none, and any flags (deceased, number replaced, restricted). */
  private patchPatient(patient: PatientCell): void {
    setText(this.patientName.text, patient.name ?? '');
    setAttr(this.patientName.span, 'title', patient.name);
    setText(this.patientNote.text, patient.note ?? '');
    while (this.patientFlags.length < patient.flags.length) this.patientFlags.push(textSpan('worklist-patient-flag'));
    patient.flags.forEach((flag, i) => setText((this.patientFlags[i] as { text: Text }).text, flag));
    arrange(this.patientCell, [
      [this.patientName.span, Boolean(patient.name)],
      [this.patientNote.span, Boolean(patient.note)],
      ...this.patientFlags.map((flag, i) => [flag.span, i < patient.flags.length] as const),
    ]);
  }

  /**
   * The Clock cell: the most pressing clock in two short lines (one in compact rows), a
   * passed appointment, and the whole story as hover text. Every state is said in words,
   * with an icon that repeats it (waiting-clocks.css).
   */
  private patchClock(clock: RowCellText['clock']): void {
    const primary = clock.primary;
    setAttr(this.clock, 'title', clock.title ?? null);
    if (primary) {
      setText(this.clockLabel.text, primary.label);
      setAttr(this.clockStatus, 'data-state', primary.state);
      setText(this.clockIcon.text, primary.icon);
      setText(this.clockStatusText, primary.status);
      arrange(this.clockStatus, [
        [this.clockIcon.span, primary.icon !== ''],
        [this.clockStatusText, true],
      ]);
    }
    arrange(this.clock, [
      [this.clockLabel.span, primary !== null],
      [this.clockStatus, primary !== null],
      [this.clockAppointment, clock.appointmentPassed],
      [this.clockNone, primary === null && !clock.appointmentPassed],
    ]);
  }
}

/**
 * The body of the worklist table: a spacer row for the rows above the window, the pooled
 * rows, and a spacer for the rows below. A row element keeps its item for as long as the
 * item stays in the window, as a keyed list would: scrolling by one row moves the row that
 * left one edge to the other and rewrites only its cells; after a new sort or filter, the
 * rows whose items left the window take the new items where they stand; and a refresh that
 * moves an item moves its row, with the focus, if it has it, still on it. Focus never stays
 * on a row that has begun to show another item.
 */
export class TableBody {
  /** The row element showing each item in the window now, by item id, in list order. */
  private shown = new Map<string, RowElement>();
  /** Row elements showing nothing, out of the table, for the next items to come into the window. */
  private spare: RowElement[] = [];
  private readonly byElement = new WeakMap<Element, RowElement>();
  private readonly spacerAbove = TableBody.spacer();
  private readonly spacerBelow = TableBody.spacer();

  constructor(
    private readonly body: HTMLTableSectionElement,
    private readonly events: TableBodyEvents,
  ) {
    body.addEventListener('click', this.onClick);
    body.addEventListener('focusin', this.onFocus);
  }

  private static spacer(): { tr: HTMLTableRowElement; td: HTMLTableCellElement } {
    const tr = el('tr', 'worklist-spacer', { 'aria-hidden': 'true' });
    const td = el('td');
    td.colSpan = COLUMN_COUNT;
    tr.append(td);
    return { tr, td };
  }

  /** Shows these rows, with space for `above` and `below` rows' worth of pixels around them. */
  render(views: readonly RowView[], above: number, below: number): void {
    const focus = this.focusedRow();
    // The items still in the window keep their rows.
    const leaving = new Map(this.shown);
    const kept = views.map((view) => {
      const row = leaving.get(view.item.row.id);
      if (row) leaving.delete(view.item.row.id);
      return row ?? null;
    });
    // The rows whose items left take the new ones, in the order they stood (so a new sort
    // rewrites rows in place), then the spare ones; the row with focus is taken last.
    // An empty list (the app locked, the role changed, nothing matches) keeps none of them:
    // the pooled rows, and the patients' details in them, go too.
    const free = views.length === 0 ? [] : [...leaving.values(), ...this.spare];
    if (focus && free.includes(focus.row)) free.push(...free.splice(free.indexOf(focus.row), 1));
    let taken = 0;
    const rows = kept.map((row) => {
      if (row) return row;
      const fresh = free[taken++] ?? this.create();
      // Focus leaves a row before it shows another item; the user finds it on the page, as
      // when a row scrolls away.
      if (fresh === focus?.row) focus.element.blur();
      return fresh;
    });
    // In list order, which is the order they stand in once placed.
    const shown = new Map<string, RowElement>();
    for (let i = 0; i < rows.length; i += 1) {
      const id = (views[i] as RowView).item.row.id;
      if (!shown.has(id)) shown.set(id, rows[i] as RowElement);
    }
    this.spare = free.slice(taken);
    this.shown = shown;
    for (let i = 0; i < rows.length; i += 1) (rows[i] as RowElement).patch(views[i] as RowView);
    this.place(rows, above, below);
    // A row whose item left the window goes out of the table: focus goes with it.
    if (focus && focus.row.tr.parentNode !== this.body && document.activeElement === focus.element) focus.element.blur();
    // A browser without moveBefore takes focus from a row it moves: the row still shows the
    // same item, so focus goes back to where it was.
    if (
      focus &&
      document.activeElement !== focus.element &&
      focus.row.tr.parentNode === this.body &&
      focus.row.view?.item.row.id === focus.id
    )
      focus.element.focus({ preventScroll: true });
  }

  private create(): RowElement {
    const row = new RowElement();
    this.byElement.set(row.tr, row);
    return row;
  }

  /** The row holding focus, if any, the focused element in it, and the item it shows. */
  private focusedRow(): { row: RowElement; element: HTMLElement; id: string } | null {
    const element = document.activeElement;
    if (!(element instanceof HTMLElement) || !this.body.contains(element)) return null;
    const row = this.rowOf(element);
    const id = row?.view?.item.row.id;
    return row && id !== undefined ? { row, element, id } : null;
  }

  /** Puts the spacers and rows in order, moving as few rows as it can (a scroll by one row moves one). */
  private place(rows: readonly RowElement[], above: number, below: number): void {
    const body = this.body;
    // A spacer first or last, when there are rows beyond the window on its side.
    const spacer = (which: { tr: HTMLTableRowElement; td: HTMLTableCellElement }, height: number, first: boolean) => {
      if (height <= 0) {
        if (which.tr.parentNode) which.tr.remove();
        return;
      }
      const value = `${height}px`;
      if (which.td.style.height !== value) which.td.style.height = value;
      if (first && body.firstChild !== which.tr) body.insertBefore(which.tr, body.firstChild);
      if (!first && body.lastChild !== which.tr) body.append(which.tr);
    };
    spacer(this.spacerAbove, above, true);
    // The rows already in order keep their places: find the longest run of them in the
    // current order (a longest increasing subsequence) and move only the others.
    const current = new Map<Element, number>();
    let position = 0;
    for (let child = body.firstElementChild; child; child = child.nextElementSibling) current.set(child, position++);
    const stay = new Set(longestIncreasing(rows.map((row) => current.get(row.tr) ?? -1)).map((i) => rows[i]));
    let next: Node | null = this.spacerBelow.tr.parentNode === body ? this.spacerBelow.tr : null;
    for (let i = rows.length - 1; i >= 0; i -= 1) {
      const row = rows[i] as RowElement;
      if (row.tr.parentNode !== body) body.insertBefore(row.tr, next);
      else if (!stay.has(row)) move(body, row.tr, next);
      next = row.tr;
    }
    spacer(this.spacerBelow, below, false);
    // Anything else in the body (rows from a longer window) goes.
    const wanted = new Set<Element>([...rows.map((row) => row.tr), this.spacerAbove.tr, this.spacerBelow.tr]);
    for (const child of [...body.children]) if (!wanted.has(child)) child.remove();
  }

  destroy(): void {
    this.body.removeEventListener('click', this.onClick);
    this.body.removeEventListener('focusin', this.onFocus);
  }

  private rowOf(target: EventTarget | null): RowElement | null {
    if (!(target instanceof Element)) return null;
    const tr = target.closest('tr[data-worklist-row]');
    return tr ? (this.byElement.get(tr) ?? null) : null;
  }

  // A click on the link opens the item (the app navigates, not the browser); any click on the row moves the cursor to it.
  private readonly onClick = (event: MouseEvent): void => {
    const row = this.rowOf(event.target);
    const view = row?.view;
    if (!view) return;
    if (event.target instanceof Element && event.target.closest('a.worklist-open')) {
      event.preventDefault();
      this.events.open(view.item.row);
    }
    this.events.cursor(view.index);
  };

  private readonly onFocus = (event: FocusEvent): void => {
    if (!(event.target instanceof Element) || !event.target.matches('.worklist-open')) return;
    const view = this.rowOf(event.target)?.view;
    if (view) this.events.cursor(view.index);
  };
}

/**
 * Moves a child within its parent: with moveBefore where the browser has it (Chromium 133
 * on), which keeps focus in what it moves, as insertBefore does not.
 */
function move(parent: Node & { moveBefore?: (node: Node, child: Node | null) => void }, node: Node, before: Node | null): void {
  if (typeof parent.moveBefore === 'function' && parent.isConnected) parent.moveBefore(node, before);
  else parent.insertBefore(node, before);
}

/** Indexes (into `values`) of a longest strictly increasing subsequence, ignoring negative values. */
function longestIncreasing(values: readonly number[]): number[] {
  const length: number[] = [];
  const previous: number[] = [];
  let best = -1;
  for (let i = 0; i < values.length; i += 1) {
    const value = values[i] as number;
    length[i] = value < 0 ? 0 : 1;
    previous[i] = -1;
    if (value < 0) continue;
    for (let j = 0; j < i; j += 1) {
      const before = values[j] as number;
      if (before >= 0 && before < value && (length[j] as number) + 1 > (length[i] as number)) {
        length[i] = (length[j] as number) + 1;
        previous[i] = j;
      }
    }
    if (best < 0 || (length[i] as number) > (length[best] as number)) best = i;
  }
  const out: number[] = [];
  for (let i = best; i >= 0 && (length[i] as number) > 0; i = previous[i] as number) out.unshift(i);
  return out;
}
