/**
 * The prefetch queue: a binary heap, so a worklist of thousands costs log n a step. Urgent
 * work (what the user is looking at, most recent request first) always comes before the
 * rest, and the rest goes in worklist order. Moving an item forward pushes a fresh entry
 * and leaves the old one to be skipped when it surfaces, rather than searching the heap.
 */
export interface QueueOrder {
  /** Higher goes first; 0 for ordinary work. */
  urgency: number;
  /** Lower goes first among equally urgent work. */
  rank: number;
}

interface Entry<T> {
  item: T;
  key: string;
  order: QueueOrder;
  stamp: number;
}

export class TaskQueue<T> {
  readonly #heap: Entry<T>[] = [];
  readonly #live = new Map<string, number>();
  #stamps = 0;

  get size(): number {
    return this.#live.size;
  }

  has(key: string): boolean {
    return this.#live.has(key);
  }

  /** Adds `item`, or moves it to `order` if it is queued already. */
  put(key: string, item: T, order: QueueOrder): void {
    const stamp = ++this.#stamps;
    this.#live.set(key, stamp);
    this.#heap.push({ item, key, order: { ...order }, stamp });
    this.#up(this.#heap.length - 1);
  }

  pop(): T | undefined {
    while (this.#heap.length > 0) {
      const top = this.#take();
      if (top && this.#live.get(top.key) === top.stamp) {
        this.#live.delete(top.key);
        return top.item;
      }
    }
    return undefined;
  }

  remove(key: string): void {
    this.#live.delete(key);
  }

  clear(): void {
    this.#heap.length = 0;
    this.#live.clear();
  }

  #before(a: Entry<T>, b: Entry<T>): boolean {
    if (a.order.urgency !== b.order.urgency) return a.order.urgency > b.order.urgency;
    if (a.order.rank !== b.order.rank) return a.order.rank < b.order.rank;
    return a.stamp < b.stamp;
  }

  #take(): Entry<T> | undefined {
    const top = this.#heap[0];
    const last = this.#heap.pop();
    if (top === undefined || last === undefined) return undefined;
    if (this.#heap.length > 0) {
      this.#heap[0] = last;
      this.#down(0);
    }
    return top;
  }

  #up(index: number): void {
    const heap = this.#heap;
    let i = index;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      const child = heap[i] as Entry<T>;
      const above = heap[parent] as Entry<T>;
      if (!this.#before(child, above)) break;
      heap[i] = above;
      heap[parent] = child;
      i = parent;
    }
  }

  #down(index: number): void {
    const heap = this.#heap;
    let i = index;
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let best = i;
      if (left < heap.length && this.#before(heap[left] as Entry<T>, heap[best] as Entry<T>)) best = left;
      if (right < heap.length && this.#before(heap[right] as Entry<T>, heap[best] as Entry<T>)) best = right;
      if (best === i) return;
      const moved = heap[i] as Entry<T>;
      heap[i] = heap[best] as Entry<T>;
      heap[best] = moved;
      i = best;
    }
  }
}
