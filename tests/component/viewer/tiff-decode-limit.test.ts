import { mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import TiffViewer from '../../../renderer/viewer/components/TiffViewer.vue';
import { DECODE_TIMEOUT_MS } from '../../../renderer/viewer/tiff-decode-limit';

// The end-to-end test of a decoder that never finishes gives the viewer a shorter limit.
// This one pins what the app itself uses: 15 s, when nothing is provided.

/** A decoder worker that takes every request and never answers. */
class SilentWorker {
  static made: SilentWorker[] = [];
  terminated = false;
  requests: unknown[] = [];
  onmessage: ((event: MessageEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  constructor() {
    SilentWorker.made.push(this);
  }
  postMessage(request: unknown): void {
    this.requests.push(request);
  }
  terminate(): void {
    this.terminated = true;
  }
}

afterEach(() => {
  vi.useRealTimers();
  vi.unstubAllGlobals();
  SilentWorker.made = [];
});

describe('the TIFF decoder time limit', () => {
  it('is 15 s in the app', () => {
    expect(DECODE_TIMEOUT_MS).toBe(15_000);
  });

  it('stops a decoder that has not answered after 15 s, and not before, when nothing else is provided', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    vi.stubGlobal('Worker', SilentWorker);
    const wrapper = mount(TiffViewer, { props: { bytes: new Uint8Array([0x49, 0x49, 42, 0]), fileName: 'Endless.tif' } });
    // interval 0: waiting for the request moves the faked clock by nothing.
    await vi.waitFor(() => expect(SilentWorker.made[0]?.requests).toHaveLength(1), { interval: 0 });
    const worker = SilentWorker.made[0];

    vi.advanceTimersByTime(DECODE_TIMEOUT_MS - 1);
    expect(worker?.terminated).toBe(false);
    expect(wrapper.emitted('failed')).toBeUndefined();

    vi.advanceTimersByTime(1);
    await vi.waitFor(() => expect(wrapper.emitted('failed')).toHaveLength(1));
    expect(worker?.terminated).toBe(true);
    expect(wrapper.emitted('failed')?.[0]).toEqual([
      'This attachment could not be shown: it took too long to open, which can happen with a damaged file. Ask the referrer to send it again.',
    ]);
    wrapper.unmount();
  });
});
