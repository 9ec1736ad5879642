import { describe, expect, it } from 'vitest';
import {
  machineWindowFile,
  placeWindow,
  readWindowState,
  WindowStateKeeper,
  zoomKey,
  zoomStep,
  type Rect,
  type WindowState,
} from '../../../electron/window-state';

const LIMITS = { width: 1440, height: 900, minWidth: 1024, minHeight: 640 };
const LAPTOP: Rect = { x: 0, y: 0, width: 1366, height: 728 };
const MONITOR_RIGHT: Rect = { x: 1366, y: 0, width: 1920, height: 1040 };
const state = (bounds: Rect, extra: Partial<WindowState> = {}): WindowState => ({ bounds, maximised: false, zoomFactor: 1, ...extra });

describe('where the window opens (placeWindow)', () => {
  it('opens at the default size, centred on the primary display, when nothing is remembered', () => {
    expect(placeWindow(null, [MONITOR_RIGHT], LIMITS)).toEqual(state({ x: 1366 + 240, y: 70, width: 1440, height: 900 }));
  });

  it('brings back a window on a display that is still there, as it was', () => {
    const saved = state({ x: 1500, y: 40, width: 1600, height: 950 }, { maximised: true, zoomFactor: 1.25 });
    expect(placeWindow(saved, [LAPTOP, MONITOR_RIGHT], LIMITS)).toEqual(saved);
  });

  it('brings a window left on a monitor that is gone back onto the screen, no bigger than it', () => {
    // Saved on the right-hand monitor; the laptop is now undocked.
    const placed = placeWindow(state({ x: 1500, y: 40, width: 1600, height: 950 }), [LAPTOP], LIMITS);
    expect(placed.bounds).toEqual({ x: 0, y: 0, width: 1366, height: 728 });
    const small = placeWindow(state({ x: 4000, y: 3000, width: 1100, height: 700 }), [LAPTOP], LIMITS);
    expect(small.bounds).toEqual({ x: 133, y: 14, width: 1100, height: 700 });
  });

  it('treats a window whose title bar is off the top or hidden but for a sliver as off screen', () => {
    expect(placeWindow(state({ x: 100, y: -500, width: 1200, height: 700 }), [LAPTOP], LIMITS).bounds.y).toBe(14);
    // Only 50 pixels of its top edge show: too little to grab.
    expect(placeWindow(state({ x: 1316, y: 100, width: 1200, height: 640 }), [LAPTOP], LIMITS).bounds.x).toBe(83);
    // Partly off the right edge, but grabbable: pulled wholly on to its display.
    expect(placeWindow(state({ x: 900, y: 100, width: 1100, height: 640 }), [LAPTOP], LIMITS).bounds).toEqual({
      x: 266,
      y: 88,
      width: 1100,
      height: 640,
    });
  });

  it('never opens smaller than the minimum where the display allows it', () => {
    expect(placeWindow(state({ x: 0, y: 0, width: 300, height: 200 }), [MONITOR_RIGHT], LIMITS).bounds).toMatchObject({
      width: 1024,
      height: 640,
    });
  });
});

describe('what is read back (readWindowState)', () => {
  it('takes a well-formed state, clamps the zoom and refuses anything else', () => {
    expect(readWindowState({ bounds: { x: 10.4, y: 20, width: 1200, height: 800 }, maximised: true, zoomFactor: 9 })).toEqual(
      state({ x: 10, y: 20, width: 1200, height: 800 }, { maximised: true, zoomFactor: 3 }),
    );
    for (const junk of [
      null,
      'x',
      {},
      { bounds: { x: 0, y: 0, width: -1, height: 10 } },
      { bounds: { x: 'a', y: 0, width: 1, height: 1 } },
    ])
      expect(readWindowState(junk)).toBeNull();
  });

  it('writes nothing but the window to the machine-wide file: no user', () => {
    const text = machineWindowFile(state({ x: 1, y: 2, width: 1200, height: 800 }));
    expect(JSON.parse(text)).toEqual({ bounds: { x: 1, y: 2, width: 1200, height: 800 }, maximised: false, zoomFactor: 1 });
  });
});

describe('zoom keys', () => {
  it('steps through Chromium’s zoom levels and back to 100 %', () => {
    expect(zoomStep(1, 'in')).toBe(1.1);
    expect(zoomStep(1.1, 'in')).toBe(1.25);
    expect(zoomStep(1, 'out')).toBe(0.9);
    expect(zoomStep(3, 'in')).toBe(3);
    expect(zoomStep(0.5, 'out')).toBe(0.5);
    expect(zoomStep(1.2, 'out')).toBe(1.1);
    expect(zoomStep(2.5, 'reset')).toBe(1);
  });

  it('are Ctrl+= (or +), Ctrl+- and Ctrl+0 only', () => {
    const key = (k: string, extra: Partial<{ control: boolean; meta: boolean; alt: boolean; type: string }> = {}) =>
      zoomKey({ type: 'keyDown', key: k, control: true, meta: false, alt: false, ...extra });
    expect([key('='), key('+'), key('-'), key('0')]).toEqual(['in', 'in', 'out', 'reset']);
    expect(key('0', { control: false })).toBeNull();
    expect(key('0', { control: false, meta: true })).toBe('reset');
    expect(key('=', { alt: true })).toBeNull();
    expect(key('=', { type: 'keyUp' })).toBeNull();
    expect(key('a')).toBeNull();
  });
});

describe('keeping it per user (WindowStateKeeper)', () => {
  function harness() {
    const applied: WindowState[] = [];
    const zooms: number[] = [];
    let bounds: Rect = { x: 10, y: 10, width: 1300, height: 800 };
    let maximised = false;
    const machine: WindowState[] = [];
    const users = new Map<string, unknown>();
    let signedIn: string | null = null;
    const keeper = new WindowStateKeeper(
      state(bounds),
      {
        normalBounds: () => bounds,
        isMaximised: () => maximised,
        isTransient: () => false,
        apply: (s) => applied.push(s),
        setZoom: (f) => zooms.push(f),
        workAreas: () => [LAPTOP, MONITOR_RIGHT],
      },
      {
        writeMachine: async (s) => void machine.push(s),
        userId: async () => signedIn,
        readUser: async () => (signedIn === null ? null : (users.get(signedIn) ?? null)),
        writeUser: async (s) => void (signedIn !== null && users.set(signedIn, s)),
      },
      LIMITS,
      (error) => {
        throw error;
      },
      10_000,
    );
    return {
      keeper,
      applied,
      zooms,
      machine,
      users,
      move: (to: Rect, max = false) => {
        bounds = to;
        maximised = max;
        keeper.changed();
      },
      signIn: (user: string | null) => {
        signedIn = user;
        return keeper.userChanged(user);
      },
    };
  }

  it('keeps the machine’s last window before sign-in, and each user’s own after', async () => {
    const h = harness();
    h.move({ x: 50, y: 60, width: 1200, height: 700 });
    await h.keeper.flush();
    expect(h.machine.at(-1)?.bounds).toEqual({ x: 50, y: 60, width: 1200, height: 700 });
    expect(h.users.size).toBe(0);

    // The first user has nothing saved: this window becomes theirs, with their zoom.
    await h.signIn('user-a');
    expect(h.applied).toEqual([]);
    h.keeper.zoom('in');
    h.move({ x: 1500, y: 40, width: 1600, height: 950 }, true);
    await h.keeper.flush();
    expect(h.zooms).toEqual([1.1]);
    expect(h.users.get('user-a')).toEqual(state({ x: 1500, y: 40, width: 1600, height: 950 }, { maximised: true, zoomFactor: 1.1 }));

    // Another user at the same computer gets the machine's window, then keeps their own.
    await h.signIn(null);
    await h.signIn('user-b');
    h.keeper.zoom('out');
    h.keeper.zoom('out');
    await h.keeper.flush();
    expect(readWindowState(h.users.get('user-b'))?.zoomFactor).toBe(0.9);

    // The first user back: their window and zoom come back, placed on today's displays.
    await h.signIn(null);
    await h.signIn('user-a');
    expect(h.applied.at(-1)).toEqual(state({ x: 1500, y: 40, width: 1600, height: 950 }, { maximised: true, zoomFactor: 1.1 }));
    expect(h.keeper.state.zoomFactor).toBe(1.1);
  });
});
