/**
 * The window's size, position, maximised state and zoom, remembered per user: kept with the
 * user's encrypted data once they are signed in (offline/user-preferences.ts), and the last
 * one on this computer, without any user's identity, for the window before sign-in.
 *
 * Pure, so it is tested without Electron: main.ts reads the displays and the window and
 * applies what these functions decide. A saved position is only trusted where some display
 * still shows the window's top edge: a laptop taken off its docking station must not open
 * its window on a monitor that is no longer there.
 */

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface WindowState {
  /** The normal (not maximised) bounds. */
  bounds: Rect;
  maximised: boolean;
  /** The page's zoom factor: 1 is 100 %. */
  zoomFactor: number;
}

/** Chromium's own zoom steps, so Ctrl+= and Ctrl+- land where a browser would. */
export const ZOOM_LEVELS = [0.5, 0.67, 0.75, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2, 2.5, 3] as const;
const MIN_ZOOM = 0.5;
const MAX_ZOOM = 3;

/** How much of the window's top edge must show on a display for the window to be reachable. */
const GRIP_HEIGHT = 32;
const GRIP_WIDTH = 120;

export interface SizeLimits {
  /** The window's size when nothing is remembered. */
  width: number;
  height: number;
  minWidth: number;
  minHeight: number;
}

function isFiniteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

function readRect(value: unknown): Rect | null {
  if (typeof value !== 'object' || value === null) return null;
  const { x, y, width, height } = value as Record<string, unknown>;
  if (!isFiniteNumber(x) || !isFiniteNumber(y) || !isFiniteNumber(width) || !isFiniteNumber(height)) return null;
  if (width <= 0 || height <= 0 || width > 100_000 || height > 100_000 || Math.abs(x) > 100_000 || Math.abs(y) > 100_000) return null;
  return { x: Math.round(x), y: Math.round(y), width: Math.round(width), height: Math.round(height) };
}

/** What was stored, checked field by field; null for anything unreadable. */
export function readWindowState(value: unknown): WindowState | null {
  if (typeof value !== 'object' || value === null) return null;
  const record = value as Record<string, unknown>;
  const bounds = readRect(record.bounds);
  if (!bounds) return null;
  return {
    bounds,
    maximised: record.maximised === true,
    zoomFactor: isFiniteNumber(record.zoomFactor) ? clampZoom(record.zoomFactor) : 1,
  };
}

export function clampZoom(factor: number): number {
  if (!Number.isFinite(factor)) return 1;
  return Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, factor));
}

/** The next zoom step in or out from `current`, or back to 100 %. */
export function zoomStep(current: number, direction: 'in' | 'out' | 'reset'): number {
  if (direction === 'reset') return 1;
  const factor = clampZoom(current);
  if (direction === 'in') return ZOOM_LEVELS.find((level) => level > factor + 0.001) ?? MAX_ZOOM;
  return [...ZOOM_LEVELS].reverse().find((level) => level < factor - 0.001) ?? MIN_ZOOM;
}

/** Ctrl (or Cmd) with =, +, -, _ or 0, as a keydown reaches the main process; null for anything else. */
export function zoomKey(input: {
  type: string;
  key: string;
  control: boolean;
  meta: boolean;
  alt: boolean;
}): 'in' | 'out' | 'reset' | null {
  if (input.type !== 'keyDown' || !(input.control || input.meta) || input.alt) return null;
  switch (input.key) {
    case '=':
    case '+':
      return 'in';
    case '-':
    case '_':
      return 'out';
    case '0':
      return 'reset';
    default:
      return null;
  }
}

function overlap(a: Rect, b: Rect): Rect | null {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const right = Math.min(a.x + a.width, b.x + b.width);
  const bottom = Math.min(a.y + a.height, b.y + b.height);
  return right > x && bottom > y ? { x, y, width: right - x, height: bottom - y } : null;
}

/** True when a display shows enough of the window's top edge to grab and move it. */
function reachable(bounds: Rect, workAreas: readonly Rect[]): boolean {
  const grip: Rect = { x: bounds.x, y: bounds.y, width: bounds.width, height: Math.min(GRIP_HEIGHT, bounds.height) };
  return workAreas.some((area) => {
    const seen = overlap(grip, area);
    return seen !== null && seen.width >= Math.min(GRIP_WIDTH, bounds.width) && seen.height >= Math.min(GRIP_HEIGHT, bounds.height);
  });
}

function fitSize(size: { width: number; height: number }, area: Rect, limits: SizeLimits): { width: number; height: number } {
  return {
    width: Math.max(Math.min(limits.minWidth, area.width), Math.min(size.width, area.width)),
    height: Math.max(Math.min(limits.minHeight, area.height), Math.min(size.height, area.height)),
  };
}

/**
 * Where the window opens: the saved bounds where a display still shows them (no bigger than
 * that display), else the saved size (or the default) centred on the primary display.
 * `workAreas[0]` is the primary display's work area.
 */
export function placeWindow(saved: WindowState | null, workAreas: readonly Rect[], limits: SizeLimits): WindowState {
  const primary = workAreas[0] ?? { x: 0, y: 0, width: limits.width, height: limits.height };
  const zoomFactor = saved ? clampZoom(saved.zoomFactor) : 1;
  const maximised = saved?.maximised ?? false;
  if (saved && reachable(saved.bounds, workAreas)) {
    // On the display that shows most of it, and no bigger than that display.
    const home =
      workAreas
        .map((area) => ({ area, seen: overlap(saved.bounds, area) }))
        .sort((a, b) => (b.seen ? b.seen.width * b.seen.height : 0) - (a.seen ? a.seen.width * a.seen.height : 0))[0]?.area ?? primary;
    const size = fitSize(saved.bounds, home, limits);
    const x = Math.min(Math.max(saved.bounds.x, home.x), home.x + home.width - size.width);
    const y = Math.min(Math.max(saved.bounds.y, home.y), home.y + home.height - size.height);
    return { bounds: { x, y, ...size }, maximised, zoomFactor };
  }
  const size = fitSize(saved?.bounds ?? { width: limits.width, height: limits.height }, primary, limits);
  return {
    bounds: {
      x: primary.x + Math.round((primary.width - size.width) / 2),
      y: primary.y + Math.round((primary.height - size.height) / 2),
      ...size,
    },
    maximised,
    zoomFactor,
  };
}

/** The machine-wide file's contents: the window only, never who used it. */
export function machineWindowFile(state: WindowState): string {
  return `${JSON.stringify({ bounds: state.bounds, maximised: state.maximised, zoomFactor: state.zoomFactor })}\n`;
}

/**
 * What main.ts needs of a window and the screen, so the keeping of the state is tested
 * without Electron.
 */
export interface WindowPort {
  /** The bounds the window has when not maximised (Electron's getNormalBounds). */
  normalBounds(): Rect;
  isMaximised(): boolean;
  /** Minimised or full screen: nothing to remember then. */
  isTransient(): boolean;
  apply(state: WindowState): void;
  setZoom(factor: number): void;
  workAreas(): Rect[];
}

export interface WindowStateStores {
  /** The last window on this computer, for before sign-in; no identity. */
  writeMachine(state: WindowState): Promise<void>;
  /** The signed-in user's, in their encrypted data; null when nobody is. */
  userId(): Promise<string | null>;
  readUser(): Promise<unknown>;
  writeUser(state: WindowState): Promise<void>;
}

/**
 * Keeps the window's state as it changes and brings back each user's at sign-in. Saves are
 * coalesced (`delayMs` after the last change): dragging a window fires hundreds of moves.
 */
export class WindowStateKeeper {
  #state: WindowState;
  #user: string | null = null;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #saving: Promise<void> = Promise.resolve();

  constructor(
    initial: WindowState,
    private readonly port: WindowPort,
    private readonly stores: WindowStateStores,
    private readonly limits: SizeLimits,
    private readonly onError: (error: unknown) => void,
    private readonly delayMs = 500,
  ) {
    this.#state = initial;
  }

  get state(): WindowState {
    return this.#state;
  }

  /** The window moved, was resized, maximised or restored. */
  changed(): void {
    if (this.port.isTransient()) return;
    // The normal bounds even while maximised, so restoring goes back where it was.
    this.#state = { ...this.#state, maximised: this.port.isMaximised(), bounds: this.port.normalBounds() };
    this.#schedule();
  }

  /** Ctrl+= / Ctrl+- / Ctrl+0 (or the wheel): the next step, applied and kept. */
  zoom(direction: 'in' | 'out' | 'reset'): number {
    const zoomFactor = zoomStep(this.#state.zoomFactor, direction);
    this.#state = { ...this.#state, zoomFactor };
    this.port.setZoom(zoomFactor);
    this.#schedule();
    return zoomFactor;
  }

  /**
   * Someone signed in with a role (or signed out: null). A user with a saved window gets it
   * back, placed on the displays there are now; a user without one keeps this window, which
   * becomes theirs.
   */
  async userChanged(userId: string | null): Promise<void> {
    if (userId === this.#user) return;
    this.#user = userId;
    if (userId === null) return;
    const saved = readWindowState(await this.stores.readUser());
    // Another user may have arrived while the store was read: theirs wins.
    if (this.#user !== userId || (await this.stores.userId()) !== userId) return;
    if (saved) {
      this.#state = placeWindow(saved, this.port.workAreas(), this.limits);
      this.port.apply(this.#state);
    }
    this.#schedule();
  }

  /** Writes what is pending now (at quit). */
  async flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
      this.#save();
    }
    await this.#saving;
  }

  #schedule(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#save();
    }, this.delayMs);
  }

  #save(): void {
    const state = this.#state;
    const user = this.#user;
    this.#saving = this.#saving
      .then(async () => {
        await this.stores.writeMachine(state);
        if (user !== null && (await this.stores.userId()) === user) await this.stores.writeUser(state);
      })
      .catch(this.onError);
  }
}
