/**
 * The "not set up" screen in its two forms: no trust configuration (where IT puts it), and a
 * set-up the app must not run with (a signing key ordinary users can read): then it says
 * it cannot start, and gives IT the one sentence saying why.
 */
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import NotConfiguredView from '../../../renderer/shell/views/NotConfiguredView.vue';

const PROBLEM =
  "The app's signing key C:\\ProgramData\\ers-triage\\keys\\int-1.pem can be read by BUILTIN\\Users, so e-RS Triage will not start; ask your IT service desk to let only Administrators, SYSTEM and the group of the app's users read it.";

describe('the "not set up" screen', () => {
  it('with a problem: says the app cannot start, and gives IT the sentence and where the configuration is', () => {
    const view = mount(NotConfiguredView, {
      props: { setup: { expectedPath: 'C:\\ProgramData\\ers-triage\\config.json', problem: PROBLEM }, version: '1.2.3' },
    });
    expect(view.get('h1').text()).toBe('e-RS Triage cannot start on this computer');
    expect(view.get('[data-testid="setup-problem"]').text()).toBe(PROBLEM);
    expect(view.get('[data-testid="expected-path"]').text()).toBe('C:\\ProgramData\\ers-triage\\config.json');
    expect(view.text()).not.toContain('not set up for e-RS Triage yet');
  });

  it('without one: says the computer is not set up yet, and where IT puts the configuration', () => {
    const view = mount(NotConfiguredView, { props: { setup: { expectedPath: '/etc/ers-triage/config.json' }, version: '1.2.3' } });
    expect(view.get('h1').text()).toBe('This computer is not set up for e-RS Triage yet');
    expect(view.find('[data-testid="setup-problem"]').exists()).toBe(false);
  });
});
