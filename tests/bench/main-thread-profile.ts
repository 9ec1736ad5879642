/**
 * Where a page's main thread spent its time while something ran: a V8 CPU profile taken
 * through the DevTools protocol, reduced to busy time and the functions with the most self
 * time. Used to say, from a measurement, why one viewer is slower than another.
 */
import type { Page } from 'playwright-core';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
}

export interface MainThreadProfile {
  /** Sampled time not idle, ms. */
  busyMs: number;
  /** Of that, outside JavaScript: style, layout, paint, decoding ("(program)" in V8's profile). */
  nativeMs: number;
  garbageCollectionMs: number;
  /** The JavaScript functions with the most self time. */
  top: { name: string; selfMs: number }[];
}

function nameOf(node: ProfileNode): string {
  const { functionName, url } = node.callFrame;
  const file = url
    ? url
        .split('/')
        .pop()
        ?.replace(/-[A-Za-z0-9_-]{8}\.(m?js)$/, '.$1')
    : '';
  return `${functionName || '(anonymous)'}${file ? ` (${file})` : ''}`;
}

export async function profileMainThread<T>(page: Page, run: () => Promise<T>): Promise<{ result: T; profile: MainThreadProfile }> {
  const cdp = await page.context().newCDPSession(page);
  try {
    await cdp.send('Profiler.enable');
    await cdp.send('Profiler.setSamplingInterval', { interval: 250 });
    await cdp.send('Profiler.start');
    const result = await run();
    const { profile } = (await cdp.send('Profiler.stop')) as unknown as { profile: CpuProfile };
    const byId = new Map(profile.nodes.map((node) => [node.id, node]));
    const self = new Map<string, number>();
    let busy = 0;
    (profile.samples ?? []).forEach((id, index) => {
      const node = byId.get(id);
      const ms = (profile.timeDeltas?.[index] ?? 0) / 1000;
      if (!node || node.callFrame.functionName === '(idle)') return;
      busy += ms;
      const name = nameOf(node);
      self.set(name, (self.get(name) ?? 0) + ms);
    });
    const nativeMs = self.get('(program)') ?? 0;
    const garbageCollectionMs = self.get('(garbage collector)') ?? 0;
    self.delete('(program)');
    self.delete('(garbage collector)');
    const top = [...self.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 3)
      .map(([name, selfMs]) => ({ name, selfMs: Math.round(selfMs * 10) / 10 }));
    const tenth = (ms: number) => Math.round(ms * 10) / 10;
    return { result, profile: { busyMs: tenth(busy), nativeMs: tenth(nativeMs), garbageCollectionMs: tenth(garbageCollectionMs), top } };
  } finally {
    await cdp.detach().catch(() => undefined);
  }
}

export function describeProfile(profile: MainThreadProfile): string {
  const script = Math.round((profile.busyMs - profile.nativeMs - profile.garbageCollectionMs) * 10) / 10;
  const top = profile.top.map((t) => `${t.name} ${t.selfMs} ms`).join(', ');
  return `busy ${profile.busyMs} ms (${profile.nativeMs} ms outside JavaScript, ${profile.garbageCollectionMs} ms collecting garbage, ${script} ms of script${top ? `, most in ${top}` : ''})`;
}
