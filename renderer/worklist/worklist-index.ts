/**
 * The sort and filter engine behind a worklist of up to tens of thousands of rows, so that
 * a sort, a filter or a keystroke in the search box reaches the screen within one frame.
 *
 * - Sort keys are ranked once per list: for every column of SORT_COLUMNS (a column added
 *   there and to IndexedRow is ranked without more code), each row's key becomes a small
 *   integer, and the tie-break (oldest referral, then UBRN) one rank for the whole list.
 *   The column the list is sorted by is ranked when it arrives, the others when the
 *   browser is next idle (rankAhead). A sort is then one typed-array sort of numbers, kept per column and
 *   direction, so sorting by a column again costs nothing.
 * - A search that narrows the last one (a character typed at the end) filters the last
 *   result instead of the whole list; anything else filters the sorted list in one pass.
 *
 * The results equal sortRows and filterRows (worklist-query.ts) exactly; the unit tests
 * hold them to it.
 */
import {
  filterRows,
  searchDigits,
  searchWords,
  SORT_COLUMNS,
  type IndexedRow,
  type Me,
  type SortColumn,
  type WorklistFilters,
  type WorklistSort,
} from './worklist-query';

function compareKeys(a: string | number, b: string | number): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Dense ranks of each row's key for one column: equal keys, equal ranks; 0 is the smallest. */
function rankColumn(rows: readonly IndexedRow[], column: SortColumn): { ranks: Uint32Array; top: number } {
  const n = rows.length;
  const keys = new Array<string | number>(n);
  for (let i = 0; i < n; i += 1) keys[i] = (rows[i] as IndexedRow)[column];
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => compareKeys(keys[a] as string | number, keys[b] as string | number));
  const ranks = new Uint32Array(n);
  let rank = 0;
  for (let k = 0; k < n; k += 1) {
    const i = order[k] as number;
    if (k > 0 && keys[i] !== keys[order[k - 1] as number]) rank += 1;
    ranks[i] = rank;
  }
  return { ranks, top: rank };
}

export class WorklistIndex {
  readonly rows: readonly IndexedRow[];
  /** Row positions in tie-break order: oldest referral first, then UBRN, then as e-RS sent them. */
  readonly #byTie: Uint32Array;
  /** Each row's place in #byTie. */
  readonly #tieRank: Uint32Array;
  readonly #ranks = new Map<SortColumn, { ranks: Uint32Array; top: number }>();
  readonly #sorted = new Map<string, readonly IndexedRow[]>();

  constructor(rows: readonly IndexedRow[]) {
    this.rows = rows;
    const n = rows.length;
    const tie = Array.from({ length: n }, (_, i) => i).sort((a, b) => {
      const ra = rows[a] as IndexedRow;
      const rb = rows[b] as IndexedRow;
      return compareKeys(ra.referralDate, rb.referralDate) || compareKeys(ra.ubrn, rb.ubrn) || a - b;
    });
    this.#byTie = Uint32Array.from(tie);
    this.#tieRank = new Uint32Array(n);
    for (let k = 0; k < n; k += 1) this.#tieRank[tie[k] as number] = k;
  }

  #rank(column: SortColumn): { ranks: Uint32Array; top: number } {
    let ranked = this.#ranks.get(column);
    if (!ranked) {
      ranked = rankColumn(this.rows, column);
      this.#ranks.set(column, ranked);
    }
    return ranked;
  }

  /** Columns whose keys are not ranked yet. */
  get unranked(): SortColumn[] {
    return SORT_COLUMNS.filter((column) => !this.#ranks.has(column));
  }

  /**
   * Ranks the columns not ranked yet, while `more()` says there is time: called when the
   * browser is idle after a list arrives, so the first sort by any column finds its keys
   * ready and the list's first paint does not wait for them. True when all are ranked.
   */
  rankAhead(more: () => boolean = () => true): boolean {
    for (const column of this.unranked) {
      if (!more()) return false;
      this.#rank(column);
    }
    return true;
  }

  /** The rows in the order sortRows gives; the same array for the same sort until the rows change. */
  sorted(sort: WorklistSort): readonly IndexedRow[] {
    const cacheKey = `${sort.column}:${sort.direction}`;
    const cached = this.#sorted.get(cacheKey);
    if (cached) return cached;
    const column = this.#rank(sort.column);
    const n = this.rows.length;
    const descending = sort.direction === 'descending';
    // rank × n + tie rank: unique, exact in a double up to n = 94 million, and sorted by the engine's numeric sort.
    const keys = new Float64Array(n);
    for (let i = 0; i < n; i += 1) {
      const rank = column.ranks[i] as number;
      keys[i] = (descending ? column.top - rank : rank) * n + (this.#tieRank[i] as number);
    }
    keys.sort();
    const result = new Array<IndexedRow>(n);
    for (let k = 0; k < n; k += 1) result[k] = this.rows[this.#byTie[(keys[k] as number) % n] as number] as IndexedRow;
    this.#sorted.set(cacheKey, result);
    return result;
  }
}

/** What a filter's answers depend on besides the filters and the search. */
interface FilterBase {
  source: readonly IndexedRow[];
  meKeys: readonly string[];
  /** Bumped when patients' names change: a name search must look again. */
  namesVersion: number;
}

interface FilterAnswer {
  filters: WorklistFilters;
  query: string;
  result: readonly IndexedRow[];
}

/**
 * Answers kept for the same list: enough for a search typed out and deleted again, and for
 * a few filters tried and put back, each answered without looking at the whole list.
 */
const ANSWERS_KEPT = 16;

/** Every filter, so that one added later can never be missed here. */
function sameFilters(a: WorklistFilters, b: WorklistFilters): boolean {
  const names = Object.keys(a) as (keyof WorklistFilters)[];
  return names.length === Object.keys(b).length && names.every((name) => a[name] === b[name]);
}

function sameKeys(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((key, i) => key === b[i]);
}

/**
 * True when every row the new search matches is matched by the old one, so the old result
 * can be filtered instead of the whole list: digits that contain the old digits, or name
 * words each starting with the old word in its place.
 */
export function narrows(previous: string, next: string): boolean {
  if (previous.trim() === '') return true;
  const oldDigits = searchDigits(previous);
  const newDigits = searchDigits(next);
  if (oldDigits !== null || newDigits !== null) return oldDigits !== null && newDigits !== null && newDigits.includes(oldDigits);
  const oldWords = searchWords(previous);
  const newWords = searchWords(next);
  if (oldWords.length === 0 || newWords.length < oldWords.length) return false;
  return oldWords.every((word, i) => (newWords[i] as string).startsWith(word));
}

/** Filters a list as filterRows does, remembering the last answer to narrow it as the user types. */
export class IncrementalFilter {
  #base: FilterBase | null = null;
  /** Recent answers for #base, the latest last. */
  #answers: FilterAnswer[] = [];
  /** How the last answer was reached, for tests and the bench. */
  lastWas: 'full' | 'narrowed' | 'cached' = 'full';

  /** Lets go of every answer kept, and the rows in them (the list was replaced, or emptied as the app locked). */
  forget(): void {
    this.#base = null;
    this.#answers = [];
  }

  run(source: readonly IndexedRow[], filters: WorklistFilters, query: string, me: Me, namesVersion = 0): readonly IndexedRow[] {
    const base = this.#base;
    if (base === null || base.source !== source || base.namesVersion !== namesVersion || !sameKeys(base.meKeys, me.keys)) {
      this.#base = { source, meKeys: [...me.keys], namesVersion };
      this.#answers = [];
    }
    const answers = this.#answers;
    const exact = answers.findIndex((a) => a.query === query && sameFilters(a.filters, filters));
    if (exact >= 0) {
      const [answer] = answers.splice(exact, 1) as [FilterAnswer];
      answers.push(answer);
      this.lastWas = 'cached';
      return answer.result;
    }
    // The smallest earlier answer that every match of this search is in (a shorter search, typed or deleted back to).
    let from: FilterAnswer | null = null;
    for (const answer of answers) {
      if (
        sameFilters(answer.filters, filters) &&
        narrows(answer.query, query) &&
        (from === null || answer.result.length < from.result.length)
      )
        from = answer;
    }
    this.lastWas = from ? 'narrowed' : 'full';
    const result = filterRows(from ? from.result : source, filters, query, me);
    answers.push({ filters: { ...filters }, query, result });
    if (answers.length > ANSWERS_KEPT) answers.shift();
    return result;
  }
}
