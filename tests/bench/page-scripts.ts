/**
 * Code that runs inside Chromium, kept as plain JavaScript source: the TypeScript runner
 * rewrites functions (it wraps them to keep their names), so a function passed to
 * page.evaluate would not survive the trip. Every time here is the page's own clock
 * (performance.now() and event.timeStamp, both from the page's time origin), never the
 * bench's wall clock.
 */

/** Runs from a frame's requestAnimationFrame callback: a task posted there runs once the frame is produced. */
const AFTER_PAINT = `
  const afterPaint = (callback) => requestAnimationFrame(() => {
    const frame = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => callback(frame, performance.now());
    channel.port2.postMessage(0);
  });
`;

/**
 * Installed before the app's scripts: notes when the Sign in button is first present and
 * enabled (the screen is usable), and when that frame has been painted.
 */
export const STARTUP_PROBE = `(() => {
  ${AFTER_PAINT}
  const state = { interactive: null, painted: null };
  Object.defineProperty(window, '__benchStartup', { value: state });
  const check = () => {
    if (state.interactive !== null) return;
    const button = document.querySelector('[data-testid="sign-in"]');
    if (!button || button.disabled) return;
    state.interactive = performance.now();
    observer.disconnect();
    afterPaint((_frame, painted) => { state.painted = painted; });
  };
  const observer = new MutationObserver(check);
  observer.observe(document, { childList: true, subtree: true, attributes: true, attributeFilter: ['disabled'] });
})();`;

/** Installed before the app's scripts: when the first worklist row is in the DOM, and painted. */
export const WORKLIST_PAINT_PROBE = `(() => {
  ${AFTER_PAINT}
  const state = { rows: null, painted: null };
  Object.defineProperty(window, '__benchWorklist', { value: state });
  const observer = new MutationObserver(() => {
    if (state.rows !== null || !document.querySelector('[data-testid="worklist-row"]')) return;
    state.rows = performance.now();
    observer.disconnect();
    afterPaint((_frame, painted) => { state.painted = painted; });
  });
  observer.observe(document, { childList: true, subtree: true });
})();`;

/** What the page loaded and when: navigation, first paint, and every resource. */
export const PAGE_TIMELINE = `(() => {
  const navigation = performance.getEntriesByType('navigation')[0];
  const fcp = performance.getEntriesByName('first-contentful-paint')[0];
  return {
    responseEnd: navigation ? navigation.responseEnd : null,
    domContentLoaded: navigation ? navigation.domContentLoadedEventEnd : null,
    firstContentfulPaint: fcp ? fcp.startTime : null,
    resources: performance.getEntriesByType('resource').map((entry) => ({
      name: new URL(entry.name).pathname,
      initiatorType: entry.initiatorType,
      startTime: entry.startTime,
      responseStart: entry.responseStart,
      responseEnd: entry.responseEnd,
      transferSize: entry.transferSize,
    })),
  };
})()`;

/**
 * Times each search keystroke, filter change and sort click on the worklist screen: from
 * the input event (the keydown that caused it, for typing) to the first animation frame
 * after the DOM changed. The split says where the time went: before the handler ran, in
 * script until the DOM was updated, and waiting for the frame; the time to produce that
 * frame (until a task posted from it runs) is kept beside it.
 */
export const INTERACTION_PROBE = `(() => {
  if (window.__benchUi) return;
  ${AFTER_PAINT}
  const records = [];
  let current = null;
  let keyStart = null;
  const observer = new MutationObserver(() => {
    if (current && current.mutation === null) current.mutation = performance.now();
  });
  observer.observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
  const showing = () => (document.querySelector('[data-testid="worklist-showing"]')?.textContent ?? '').trim();
  const begin = (kind, event) => {
    const start = kind === 'search' && keyStart !== null ? keyStart : event.timeStamp;
    keyStart = null;
    const record = { kind, start, handler: performance.now(), mutation: null, frame: null, painted: null, domChanged: true, showing: null };
    current = record;
    records.push(record);
    const onFrame = () => {
      if (record.mutation === null && performance.now() - record.handler < 1000) {
        requestAnimationFrame(onFrame);
        return;
      }
      if (record.mutation === null) record.domChanged = false;
      record.frame = performance.now();
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        record.painted = performance.now();
        record.showing = showing();
        if (current === record) current = null;
      };
      channel.port2.postMessage(0);
    };
    requestAnimationFrame(onFrame);
  };
  document.addEventListener('keydown', (event) => {
    if (event.target instanceof HTMLInputElement && event.target.dataset.testid === 'worklist-search') keyStart = event.timeStamp;
  }, true);
  document.addEventListener('input', (event) => {
    if (event.target instanceof HTMLInputElement && event.target.dataset.testid === 'worklist-search') begin('search', event);
  }, true);
  document.addEventListener('change', (event) => {
    if (event.target instanceof HTMLSelectElement && event.target.closest('.worklist-filters')) begin('filter', event);
  }, true);
  document.addEventListener('click', (event) => {
    if (event.target instanceof Element && event.target.closest('.worklist-sort')) begin('sort', event);
  }, true);
  Object.defineProperty(window, '__benchUi', { value: { records } });
})()`;

/** How many interactions have finished (painted). */
export const INTERACTIONS_DONE = `window.__benchUi.records.filter((r) => r.painted !== null).length`;

/**
 * Flings the worklist's scroller from top to bottom and back, a fixed distance each frame,
 * and keeps each frame's requestAnimationFrame delta, the main thread's work behind it, and
 * the long animation frames seen.
 */
export function flingScript(pixelsPerFrame: number, passes: number): string {
  return `(async () => {
    const scroller = document.querySelector('[data-testid="worklist-scroller"]');
    if (!scroller) throw new Error('no worklist scroller');
    scroller.scrollTop = 0;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    const max = scroller.scrollHeight - scroller.clientHeight;
    const frames = [];
    const longFrames = [];
    let observer = null;
    try {
      observer = new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) {
          longFrames.push({
            duration: entry.duration,
            renderStart: entry.renderStart,
            styleAndLayoutStart: entry.styleAndLayoutStart,
            startTime: entry.startTime,
            script: entry.scripts.reduce((sum, script) => sum + script.duration, 0),
          });
        }
      });
      observer.observe({ type: 'long-animation-frame', buffered: false });
    } catch {}
    // Main-thread work behind each frame delta: the scroll handler with the rows' rewrite (timed
    // by a listener added after the table's, which runs once Vue's update has flushed) and the
    // rendering of the frame before (from its requestAnimationFrame to a task posted there).
    const work = [];
    let scrollMs = 0;
    let renderMs = 0;
    const onScroll = (event) => { scrollMs += performance.now() - event.timeStamp; };
    scroller.addEventListener('scroll', onScroll, { passive: true });
    return await new Promise((resolve) => {
      let last = null;
      let position = 0;
      let direction = 1;
      let turns = 0;
      const step = (time) => {
        const rafAt = performance.now();
        if (last !== null) {
          frames.push(time - last);
          work.push({ scrollMs, renderMs });
        }
        scrollMs = 0;
        renderMs = 0;
        last = time;
        // Writes only: reading scrollTop here would force the frame's layout inside this callback.
        let next = position + direction * ${pixelsPerFrame};
        if (next >= max) { next = max; direction = -1; turns += 1; }
        else if (next <= 0) { next = 0; direction = 1; turns += 1; }
        scroller.scrollTop = next;
        position = next;
        if (turns >= ${passes}) {
          if (observer) observer.disconnect();
          scroller.removeEventListener('scroll', onScroll);
          resolve({ frames, work, longFrames, scrollHeight: max, rowsInDom: document.querySelectorAll('[data-testid="worklist-row"]').length });
          return;
        }
        const channel = new MessageChannel();
        channel.port1.onmessage = () => { renderMs = performance.now() - rafAt; };
        channel.port2.postMessage(0);
        requestAnimationFrame(step);
      };
      requestAnimationFrame(step);
    });
  })()`;
}

/**
 * An expression for page code that has defined `call`: awaits it `warmup` times, then calls
 * it one after another for `durationMs`, and resolves to the calls made, the time taken and
 * each call's latency.
 */
function timedCalls(warmup: number, durationMs: number): string {
  return `(async () => {
      for (let i = 0; i < ${warmup}; i += 1) await call();
      const latencies = [];
      const started = performance.now();
      while (performance.now() - started < ${durationMs}) {
        const before = performance.now();
        await call();
        latencies.push(performance.now() - before);
      }
      return { calls: latencies.length, elapsedMs: performance.now() - started, latencies };
    })()`;
}

/** Sequential app.info calls through the browser host, exactly as the renderer's host bridge makes them. */
export function hostCallsScript(warmup: number, durationMs: number): string {
  return `(async () => {
    const key = sessionStorage.getItem('triage-host-key') ?? '';
    const call = async () => {
      const response = await fetch('/api/invoke/app.info', { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Triage-Host-Key': key }, body: '{}' });
      const result = JSON.parse(await response.text());
      if (!result.ok) throw new Error(result.error.message);
      return result.value;
    };
    return ${timedCalls(warmup, durationMs)};
  })()`;
}

/**
 * The same sequential app.info calls over the host's WebSocket, as renderer/api/host-bridge.ts
 * makes them (the secret offered as a subprotocol at the upgrade; one message a call).
 */
export function hostSocketCallsScript(warmup: number, durationMs: number): string {
  return `(async () => {
    const key = sessionStorage.getItem('triage-host-key') ?? '';
    const ws = new WebSocket('ws://' + location.host + '/api/socket', ['triage-host.v1', 'key.' + key]);
    await new Promise((resolve, reject) => { ws.onopen = resolve; ws.onclose = () => reject(new Error('The host refused the socket.')); });
    const waiting = new Map();
    let next = 0;
    ws.onmessage = (event) => {
      const message = JSON.parse(event.data);
      waiting.get(message.id)?.(message.result);
      waiting.delete(message.id);
    };
    const call = () => new Promise((resolve, reject) => {
      next += 1;
      waiting.set(next, (result) => (result.ok ? resolve(result.value) : reject(new Error(result.error.message))));
      ws.send(JSON.stringify({ id: next, channel: 'app.info', input: {} }));
    });
    const timed = await ${timedCalls(warmup, durationMs)};
    ws.close();
    return timed;
  })()`;
}
