import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import type { AppInfo } from '../../contract';
import { CLIENT_KEY, TriageError, type TriageClient } from '../../renderer/api/client';
import SignInView from '../../renderer/session/views/SignInView.vue';

function fakeClient(answer: () => Promise<AppInfo>): TriageClient & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    call: (async (channel: string) => {
      calls.push(channel);
      if (channel === 'app.info') return answer();
      throw new TriageError({ code: 'UNKNOWN_CHANNEL', message: 'not faked' });
    }) as TriageClient['call'],
    on: () => () => undefined,
  };
}

function mountWith(client: TriageClient) {
  return mount(SignInView, { global: { plugins: [createPinia()], provide: { [CLIENT_KEY as symbol]: client } } });
}

describe('SignInView', () => {
  it('shows the version and environment that app.info returns', async () => {
    const client = fakeClient(async () => ({
      name: 'e-RS Triage',
      version: '4.5.6',
      environment: 'int',
      environmentLabel: 'NHS integration (test data)',
      managed: true,
      transport: 'electron',
      setup: null,
    }));
    const wrapper = mountWith(client);
    await flushPromises();
    expect(client.calls).toEqual(['app.info']);
    expect(wrapper.get('[data-testid="version"]').text()).toBe('4.5.6');
    expect(wrapper.get('[data-testid="environment"]').text()).toBe('NHS integration (test data)');
    expect(wrapper.get('h1').text()).toBe('Sign in to e-RS Triage');
  });

  it('shows a clear sentence when the details cannot be loaded', async () => {
    const wrapper = mountWith(
      fakeClient(async () => {
        throw new TriageError({
          code: 'TRANSPORT',
          message: 'The app could not reach its background service. Restart the app; your work is kept.',
        });
      }),
    );
    await flushPromises();
    expect(wrapper.get('[role="alert"]').text()).toBe(
      'The app could not reach its background service. Restart the app; your work is kept.',
    );
    expect(wrapper.find('[data-testid="version"]').exists()).toBe(false);
  });
});
