/**
 * What each role is offered, said up front: a clinician admin chooses from the clinicians
 * e-RS listed (by name) and is told when it listed none; a plain service provider admin is
 * told in one sentence what the role can and cannot do, gets worklists with nothing to
 * open, and no item screen with a "Try again" that could never work. A decision made for
 * a clinician says on whose behalf it goes; people e-RS names by id only read "SDS user".
 */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { describe, expect, it } from 'vitest';
import type { RoleOption, SessionView } from '../../../contract';
import { CLIENT_KEY, type TriageClient } from '../../../renderer/api/client';
import { personText } from '../../../renderer/review/review-text';
import { SERVICE_PROVIDER_ADMIN_LIMITS } from '../../../renderer/session/role-limits';
import { useSessionStore } from '../../../renderer/session/session-store';
import RolePickerView from '../../../renderer/session/views/RolePickerView.vue';
import {
  bookedReferral,
  byTestId,
  choose,
  cleanUpReviewScreens,
  click,
  fakeReviewClient,
  mountReview,
  referralScreen,
  text,
  type,
  UBRN,
} from '../review/fixtures';
import { fakeClient, listView, makeRows, mountWorklists } from '../worklists/fixtures';

cleanUpReviewScreens();

const R69 = { organisationOds: 'R69', organisationName: 'Riverside University Hospitals NHS Trust (synthetic)' };
const clinicianAdmin = (actsFor: RoleOption['actsFor']): RoleOption => ({
  id: 'r69-spca',
  businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN',
  label: 'Clinician admin (acting for a clinician)',
  ...R69,
  actsFor,
});
const providerAdmin: RoleOption = {
  id: 'r69-spa',
  businessFunction: 'SERVICE_PROVIDER_ADMIN',
  label: 'Service provider admin',
  ...R69,
  actsFor: [],
};

function choosing(roles: RoleOption[]): SessionView {
  return {
    phase: 'choosing-role',
    environment: 'int',
    user: { id: '555000000102', name: 'Sam Whitfield' },
    roles,
    role: null,
    signInNotRequired: false,
    notice: null,
    needsReauth: false,
    rememberedRoleId: null,
  };
}

function mountPicker(roles: RoleOption[]) {
  const calls: { channel: string; input: unknown }[] = [];
  const client: TriageClient = {
    call: (async (channel: string, input: unknown) => {
      calls.push({ channel, input });
      return choosing(roles);
    }) as TriageClient['call'],
    on: () => () => undefined,
  };
  const pinia = createPinia();
  const wrapper = mount(RolePickerView, {
    attachTo: document.body,
    global: { plugins: [pinia], provide: { [CLIENT_KEY as symbol]: client } },
  });
  useSessionStore(pinia).view = choosing(roles);
  return { wrapper, calls };
}

describe('the role picker', () => {
  it('offers the clinicians e-RS listed for a clinician admin, by name, and sends the one chosen', async () => {
    const { wrapper, calls } = mountPicker([
      clinicianAdmin([
        { userId: '555000000101', name: 'Dr Amara Okoye' },
        { userId: '555000000104', name: 'SDS user 555000000104' },
      ]),
    ]);
    await flushPromises();
    const options = wrapper.findAll('[data-testid="acts-for"] option').map((o) => o.text());
    expect(options).toEqual(['Choose a clinician', 'Dr Amara Okoye', 'SDS user 555000000104']);
    await wrapper.get('[data-testid="acts-for"]').setValue('555000000101');
    await wrapper.get('[data-testid="role-picker"]').trigger('submit');
    await flushPromises();
    expect(calls).toEqual([{ channel: 'session.chooseRole', input: { roleId: 'r69-spca', onBehalfOfUserId: '555000000101' } }]);
    wrapper.unmount();
  });

  it('says so, in a sentence, when e-RS listed nobody to act for, and does not go on', async () => {
    const { wrapper, calls } = mountPicker([clinicianAdmin([])]);
    await flushPromises();
    expect(wrapper.find('[data-testid="acts-for"]').exists()).toBe(false);
    expect(wrapper.get('[data-testid="acts-for-none"]').text()).toBe(
      'e-RS lists no clinician you may act for at Riverside University Hospitals NHS Trust (synthetic), so this role cannot be used yet: ask your e-RS administrator to set up the clinicians you work for, or choose another role.',
    );
    await wrapper.get('[data-testid="role-picker"]').trigger('submit');
    await flushPromises();
    expect(calls).toEqual([]);
    wrapper.unmount();
  });

  it('says beside a service provider admin role, in one sentence, what it can and cannot do', async () => {
    const { wrapper } = mountPicker([providerAdmin]);
    await flushPromises();
    const hint = wrapper.get('[data-testid="role-limits"]');
    expect(hint.text()).toBe(SERVICE_PROVIDER_ADMIN_LIMITS);
    expect(SERVICE_PROVIDER_ADMIN_LIMITS.split(/[.!?](\s|$)/).filter((s) => s.trim() !== '').length).toBe(1);
    expect(wrapper.get('input[name="role"]').attributes('aria-describedby')).toBe(hint.attributes('id'));
    wrapper.unmount();
  });
});

describe('a plain service provider admin', () => {
  it('sees the worklist with the sentence up front and nothing to open', async () => {
    const client = fakeClient({ referrals: listView('referrals', makeRows(3)) });
    const { wrapper, router } = await mountWorklists(client, { role: { businessFunction: 'SERVICE_PROVIDER_ADMIN' } });
    await flushPromises();
    expect(wrapper.get('[data-testid="role-limits"]').text()).toBe(SERVICE_PROVIDER_ADMIN_LIMITS);
    expect(wrapper.findAll('[data-testid="worklist-row"]')).toHaveLength(3);
    expect(wrapper.findAll('a[data-testid="worklist-open"]')).toHaveLength(0);
    const first = wrapper.get('[data-testid="worklist-ubrn"]');
    (first.element as HTMLElement).focus();
    document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    first.element.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/worklists/referrals');
    wrapper.unmount();
  });

  it('is told the same sentence on an item screen, with no "Try again", and e-RS is not asked', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) });
    await mountReview(client, `/referral/${UBRN}`, { businessFunction: 'SERVICE_PROVIDER_ADMIN' });
    expect(text('review-role-limits')).toBe(SERVICE_PROVIDER_ADMIN_LIMITS);
    expect(byTestId('review-error')).toBeNull();
    expect(byTestId('review-retry')).toBeNull();
    expect(client.inputs('referral.open')).toEqual([]);
  });

  it('a clinician keeps "Try again" when loading fails for a reason trying again can mend', async () => {
    const client = fakeReviewClient({ 'referral.open': new Error('offline') });
    await mountReview(client, `/referral/${UBRN}`);
    expect(byTestId('review-retry')).not.toBeNull();
  });
});

describe('decisions made on behalf of a clinician', () => {
  it('say on whose behalf they go, on the confirmation', async () => {
    const client = fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) });
    await mountReview(client, `/referral/${UBRN}`, {
      businessFunction: 'SERVICE_PROVIDER_CLINICIAN_ADMIN',
      onBehalfOf: { userId: '555000000104', name: 'Dr Erik Lindqvist' },
    });
    await click('decision-reject');
    await choose('reject-reason', 'WRONG_SERVICE');
    await type('reject-comments', 'Synthetic comment.');
    await click('reject-submit');
    expect(text('confirm-on-behalf-of')).toBe('You are sending this on behalf of Dr Erik Lindqvist.');
  });

  it('a clinician acting for themself is told nothing of the kind', async () => {
    await mountReview(fakeReviewClient({ 'referral.open': referralScreen(bookedReferral()) }), `/referral/${UBRN}`);
    await click('decision-accept');
    expect(byTestId('confirm-dialog')).not.toBeNull();
    expect(byTestId('confirm-on-behalf-of')).toBeNull();
  });
});

describe('people e-RS names by id only', () => {
  it('read as "SDS user <id>", never a bare number', () => {
    expect(personText({ userId: '555000000203', name: null, organisationOds: 'A12345', businessFunction: null })).toBe(
      'SDS user 555000000203, organisation A12345',
    );
    expect(personText({ userId: '555000000203', name: 'Dr Pat Referrer', organisationOds: null, businessFunction: null })).toBe(
      'Dr Pat Referrer',
    );
  });
});
