/**
 * Synthetic referrals and A&G requests, a faked client that answers the review channels
 * and records every call, and the app's own router mounted on a review screen. Every NHS
 * number is in the 999 range that is never issued; every name is invented.
 */
import { mount, type VueWrapper } from '@vue/test-utils';
import { afterEach, beforeEach, expect, vi } from 'vitest';
import { createPinia, type Pinia } from 'pinia';
import { defineComponent, h, nextTick } from 'vue';
import { RouterView, type Router } from 'vue-router';
import type {
  AdviceRequestView,
  AdviceScreen,
  AttachmentContent,
  AttachmentView,
  Channel,
  ChannelInput,
  ChannelOutput,
  ConversationView,
  DraftView,
  PatientDetails,
  PatientLookup,
  ReferralScreen,
  ReferralView,
  WorklistKind,
  WorklistRow,
} from '../../../contract';
import { CLIENT_KEY, TriageError, type TriageClient } from '../../../renderer/api/client';
import { passesCheckDigit } from '../../../renderer/worklist/patient-text';
import { createAppRouter } from '../../../renderer/router';
import { useSessionStore } from '../../../renderer/session/session-store';
import { listView, makeRow, signedInView, type RoleChoice } from '../worklists/fixtures';

export { makeRow, must, press } from '../worklists/fixtures';

export const UBRN = '100000000001';

export function attachment(n: number, overrides: Partial<AttachmentView> = {}): AttachmentView {
  return {
    id: `att-${n}`,
    title: `Referral letter ${n}.txt`,
    description: null,
    contentType: 'text/plain',
    size: 1200 + n,
    createdAt: '2025-03-04T09:30:00Z',
    attachmentType: 'REFERRER',
    availability: 'AVAILABLE',
    available: true,
    unavailableReason: null,
    attachedBy: null,
    attachedOnBehalfOfUserId: null,
    ...overrides,
  };
}

/** A referral booked into a bookable service and awaiting review: accept or reject. */
export function bookedReferral(ubrn = UBRN, overrides: Partial<ReferralView> = {}): ReferralView {
  return {
    ubrn,
    version: '4',
    nhsNumber: '999 000 0001',
    patientName: null,
    status: 'active',
    state: { code: 'BOOKED', display: 'Booked' },
    priority: 'URGENT',
    specialty: { code: 'CARDIOLOGY', display: 'Cardiology' },
    service: { id: 'svc-1', name: 'Chest Pain Clinic (synthetic)' },
    shortlist: [{ id: 'svc-1', name: 'Chest Pain Clinic (synthetic)' }],
    referrer: { userId: '555000000009', name: 'Dr Pat Referrer', organisationOds: 'A12345', businessFunction: null },
    commissioningOrganisationOds: null,
    pathwayStart: '2025-03-01T10:00:00Z',
    clinicalInfoFirstSubmitted: '2025-03-01T10:00:00Z',
    clinicalInfoLastUpdated: '2025-03-02T11:15:00Z',
    referralDate: '2025-03-01',
    daysWaiting: 12,
    relatedReferrals: ['100000000777'],
    adviceRequestUbrn: null,
    appointment: {
      id: 'appt-1',
      status: 'booked',
      start: '2025-04-10T09:00:00Z',
      end: null,
      service: { id: 'svc-1', name: 'Chest Pain Clinic (synthetic)' },
      clinicianUserId: null,
      indirectlyBookable: false,
    },
    additionalRequirements: [],
    attachments: [attachment(1), attachment(2, { title: 'Blood results.txt' })],
    allowedActions: ['CANCEL_REFERRAL'],
    ...overrides,
  };
}

/** A referral sent for triage: A029 offers RECORD_REVIEW_OUTCOME. */
export function triageReferral(ubrn = UBRN, overrides: Partial<ReferralView> = {}): ReferralView {
  return bookedReferral(ubrn, {
    state: { code: 'AWAITING_TRIAGE', display: 'Awaiting triage' },
    appointment: {
      id: 'appt-2',
      status: 'proposed',
      start: null,
      end: null,
      service: { id: 'svc-9', name: 'Cardiology Triage (synthetic)' },
      clinicianUserId: null,
      indirectlyBookable: false,
    },
    allowedActions: ['RECORD_REVIEW_OUTCOME', 'CANCEL_REFERRAL'],
    priority: 'ROUTINE',
    ...overrides,
  });
}

export function adviceRequest(ubrn = '200000000001', overrides: Partial<AdviceRequestView> = {}): AdviceRequestView {
  return {
    ubrn,
    version: '3',
    nhsNumber: '999 000 0002',
    priority: 'ROUTINE',
    specialty: { code: 'DERMATOLOGY', display: 'Dermatology' },
    service: { id: 'svc-3', name: 'Skin Advice (synthetic)' },
    status: { code: 'PROVIDER_RESPONSE_REQUIRED', display: 'Provider response required' },
    requestStatus: 'active',
    requester: { userId: '555000000010', name: 'Dr Jo Generalist', organisationOds: 'B23456', businessFunction: 'REFERRING_CLINICIAN' },
    conversionAuthorised: true,
    attachments: [attachment(7, { title: 'Photo notes.txt', attachmentType: 'ADVICE_REQUEST' })],
    ...overrides,
  };
}

export function conversation(ubrn = '200000000001'): ConversationView {
  return {
    ubrn,
    version: '3',
    messages: [
      {
        id: 'm1',
        sentAt: '2025-03-03T08:00:00Z',
        sentBy: 'REQUESTER',
        author: { userId: '555000000010', name: 'Dr Jo Generalist', organisationOds: 'B23456', businessFunction: null },
        text: 'Synthetic question about a skin lesion.\nIs a referral needed?',
        attachments: [attachment(8, { title: 'Lesion description.txt' })],
      },
    ],
  };
}

/** What patient.get answers: a synthetic patient, or, as the main process does, nothing for a number failing its check digit. */
export function patientLookup(nhsNumber: string, patient: Partial<PatientDetails> = {}): PatientLookup {
  const formatted = `${nhsNumber.slice(0, 3)} ${nhsNumber.slice(3, 6)} ${nhsNumber.slice(6)}`;
  if (!passesCheckDigit(nhsNumber)) {
    return {
      status: 'unchecked',
      requestedNhsNumber: formatted,
      problem: 'check-digit',
      message:
        'This NHS number fails its check digit, so it may have been mistyped and was not looked up in PDS: check it with the referrer before acting.',
      correlationId: null,
    };
  }
  return {
    status: 'found',
    requestedNhsNumber: formatted,
    patient: {
      nhsNumber: formatted,
      name: { titles: ['Ms'], given: ['Nia'], family: 'Pemberton' },
      birthDate: '1958-02-11',
      gender: 'female',
      deceased: null,
      restricted: false,
      address: '4 Mill Row, Riverside, ZX9 2AB',
      telephone: '01632 960123',
      gpPracticeOds: 'A99002',
      ...patient,
    },
    fetchedAt: '2026-12-01T09:00:00.000Z',
    stale: false,
  };
}

export function textFile(text: string, fileName = 'letter.txt'): AttachmentContent {
  return { kind: 'file', contentType: 'text/plain', fileName, bytes: new TextEncoder().encode(text), stale: false };
}

type Handler<C extends Channel> = (input: ChannelInput<C>) => ChannelOutput<C> | Promise<ChannelOutput<C>>;
export type Handlers = { [C in Channel]?: Handler<C> | ChannelOutput<C> | Error };

export interface Call {
  channel: Channel;
  input: unknown;
}

export interface FakeReviewClient extends TriageClient {
  calls: Call[];
  handlers: Handlers;
  /** The inputs of every call on one channel, in order. */
  inputs<C extends Channel>(channel: C): ChannelInput<C>[];
}

/**
 * Answers each channel from `handlers` (a value, an error to throw, or a function of the
 * input). Drafts live in a Map like the main process keeps them, unless a handler says
 * otherwise; a channel without an answer fails as the real dispatcher would.
 */
export function fakeReviewClient(handlers: Handlers, drafts = new Map<string, DraftView>()): FakeReviewClient {
  const defaults: Handlers = {
    'draft.load': ({ itemId }) => drafts.get(itemId) ?? null,
    'draft.save': ({ itemId, form }) => {
      const saved: DraftView = { itemId, form: { ...form }, savedAt: new Date().toISOString() };
      drafts.set(itemId, saved);
      return saved;
    },
    'draft.discard': ({ itemId }) => {
      drafts.delete(itemId);
      return null;
    },
    'referral.rejectionReasons': [
      { code: 'CLINICALLY_INAPPROPRIATE', display: 'Clinically inappropriate (synthetic)' },
      { code: 'WRONG_SERVICE', display: 'Referred to the wrong service (synthetic)' },
    ],
    'referral.attachment': ({ attachmentId }) => textFile(`Synthetic letter text for ${attachmentId}.`, `${attachmentId}.txt`),
    'referral.clinicalInfo': textFile('Synthetic clinical information summary.', 'clinical.txt'),
    'advice.attachment': ({ attachmentId }) => textFile(`Synthetic advice file ${attachmentId}.`, `${attachmentId}.txt`),
    'advice.overview': textFile('Synthetic advice overview.', 'overview.txt'),
    'patient.get': ({ nhsNumber }) => patientLookup(nhsNumber),
  };
  const client: FakeReviewClient = {
    calls: [],
    handlers,
    inputs: (channel) => client.calls.filter((c) => c.channel === channel).map((c) => c.input) as never[],
    call: (async (channel: Channel, input: unknown) => {
      client.calls.push({ channel, input });
      const answer = (client.handlers as Record<string, unknown>)[channel] ?? (defaults as Record<string, unknown>)[channel];
      if (answer === undefined) throw new TriageError({ code: 'UNKNOWN_CHANNEL', message: `${channel} is not faked.` });
      const value = typeof answer === 'function' ? await (answer as (i: unknown) => unknown)(input) : answer;
      if (value instanceof Error) throw value;
      return value;
    }) as TriageClient['call'],
    on: () => () => undefined,
  };
  return client;
}

export function referralScreen(referral: ReferralView, extra: Partial<ReferralScreen> = {}): ReferralScreen {
  return { referral, fetchedAt: new Date().toISOString(), stale: false, ...extra };
}

export function adviceScreen(request: AdviceRequestView, convo: ConversationView = conversation(request.ubrn)): AdviceScreen {
  return { request, conversation: convo, conversationProblem: null, fetchedAt: new Date().toISOString(), stale: false };
}

/**
 * Rows for a worklist whose items are these UBRNs, in this order as the list sorts them by
 * default (most urgent first, then longest waiting): one priority, each referred a day later.
 */
export function rowsFor(ubrns: string[]): WorklistRow[] {
  return ubrns.map((ubrn, i) =>
    makeRow(i + 1, {
      id: ubrn,
      ubrn,
      priority: 'ROUTINE',
      referralDate: `2025-01-${String(10 + i).padStart(2, '0')}`,
      daysWaiting: 60 - i,
    }),
  );
}

export function withWorklist(client: FakeReviewClient, kind: WorklistKind, rows: WorklistRow[]): void {
  client.handlers['worklist.fetch'] = ({ kind: asked }) => listView(asked, asked === kind ? rows : []);
}

export interface MountedReview {
  wrapper: VueWrapper;
  router: Router;
  pinia: Pinia;
  client: FakeReviewClient;
}

const Root = defineComponent({ name: 'TestRoot', render: () => h(RouterView) });

/** Every screen mountReview put up, for cleanUpReviewScreens to take down. */
const onScreen = new Set<VueWrapper>();

/**
 * The hooks every review test file needs: localStorage cleared before each test (the app
 * keeps what it remembers there), and afterwards every screen the test mounted unmounted
 * and the body emptied (dialogs are teleported there). Call once, at the top of the file.
 */
export function cleanUpReviewScreens(): void {
  beforeEach(() => localStorage.clear());
  afterEach(() => {
    // A test may already have unmounted its screen, to check what is left behind.
    for (const wrapper of onScreen) if (!wrapper.vm.$.isUnmounted) wrapper.unmount();
    onScreen.clear();
    document.body.innerHTML = '';
  });
}

/** The app's router and a fresh Pinia, signed in as `role`, showing `path` once it has loaded. */
export async function mountReview(client: FakeReviewClient, path: string, role: RoleChoice = {}): Promise<MountedReview> {
  const pinia = createPinia();
  const router = createAppRouter();
  const wrapper = mount(Root, {
    attachTo: document.body,
    global: { plugins: [pinia, router], provide: { [CLIENT_KEY as symbol]: client } },
  });
  onScreen.add(wrapper);
  useSessionStore(pinia).view = signedInView(role);
  await router.push(path);
  await router.isReady();
  await screenShown(path);
  return { wrapper, router, pinia, client };
}

/**
 * Waits until `assertion` passes, trying it again every few milliseconds (timers, lazy
 * imports and the faked client's answers run in between), and fails with the assertion's
 * own last error after ten seconds. Every wait in these tests is one of these: a busy
 * machine makes a test slower, never red.
 */
export function until<T>(assertion: () => T | Promise<T>, timeout = 10_000): Promise<T> {
  return vi.waitFor(assertion, { timeout, interval: 5 });
}

/**
 * Waits until the screen at `path` has loaded: the item's heading or its one sentence
 * saying why not, or the worklist's table, empty line or error.
 */
export async function screenShown(path: string): Promise<void> {
  const loaded = ['item-heading', 'review-error', 'worklist-table', 'worklist-empty', 'worklist-error'];
  await until(() => {
    expect(
      loaded.some((id) => byTestId(id) !== null),
      `the screen for ${path} to load`,
    ).toBe(true);
    expect(byTestId('review-loading'), `the screen for ${path} to finish loading`).toBeNull();
  });
}

/** Waits until the review screen headed `heading` (say "Referral 100000000002") has loaded. */
export async function itemShown(heading: string): Promise<void> {
  await until(() => {
    expect(text('item-heading')).toBe(heading);
    expect(byTestId('review-loading'), `${heading} to finish loading`).toBeNull();
  });
}

/** An element anywhere in the document (dialogs are teleported to <body>). */
export function byTestId<T extends Element = HTMLElement>(id: string, root: ParentNode = document): T | null {
  return root.querySelector<T>(`[data-testid="${id}"]`);
}

export function allByTestId<T extends Element = HTMLElement>(id: string, root: ParentNode = document): T[] {
  return Array.from(root.querySelectorAll<T>(`[data-testid="${id}"]`));
}

export function need<T extends Element = HTMLElement>(id: string, root: ParentNode = document): T {
  const found = byTestId<T>(id, root);
  if (!found) throw new Error(`Expected an element with data-testid="${id}", found none.`);
  return found;
}

/*
 * The actions below wait for one thing only: Vue's next render (nextTick), which shows
 * what the event changed at once, such as a form's errors. Anything that takes longer (the
 * faked client's answer, a route change, a lazily loaded viewer, a file being read) the
 * test waits for with until(), on what it expects to see.
 */

/** A click as a user makes it: the control takes focus, then the click. */
export async function click(id: string | Element): Promise<void> {
  const element = (typeof id === 'string' ? need(id) : id) as HTMLElement;
  element.focus();
  element.click();
  await nextTick();
}

/** Types into a text area or input as a user would: value, then the input event. */
export async function type(id: string, text: string): Promise<void> {
  const field = need<HTMLTextAreaElement | HTMLInputElement>(id);
  field.value = text;
  field.dispatchEvent(new Event('input', { bubbles: true }));
  await nextTick();
}

export async function choose(id: string, value: string): Promise<void> {
  const select = need<HTMLSelectElement>(id);
  select.value = value;
  select.dispatchEvent(new Event('change', { bubbles: true }));
  await nextTick();
}

export async function check(id: string): Promise<void> {
  const radio = need<HTMLInputElement>(id);
  radio.checked = true;
  radio.dispatchEvent(new Event('change', { bubbles: true }));
  await nextTick();
}

/**
 * Puts a file into a file input, as the system's file chooser would. Reading it takes a
 * moment: wait with until() for what the field then says.
 */
export async function pickFile(id: string, file: File): Promise<void> {
  const input = need<HTMLInputElement>(id);
  Object.defineProperty(input, 'files', { value: [file], configurable: true });
  input.dispatchEvent(new Event('change', { bubbles: true }));
  await nextTick();
}

export function key(name: string, target: Element | null = document.activeElement, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key: name, bubbles: true, cancelable: true, ...init });
  (target ?? document.body).dispatchEvent(event);
  return event;
}

/** The label → value rows of the confirmation dialog. */
export function confirmRows(): Record<string, string> {
  const rows: Record<string, string> = {};
  // Who the decision is about stands first, above the rows, as name then NHS number.
  const patient = need('confirm-dialog').querySelector('[data-testid="confirm-patient"]');
  if (patient) {
    const parts = ['confirm-patient-name', 'confirm-patient-nhs-number'].map(
      (id) => patient.querySelector(`[data-testid="${id}"]`)?.textContent?.trim() ?? '',
    );
    rows.Patient = parts.filter((part) => part !== '').join(' ');
  }
  for (const row of need('confirm-dialog').querySelectorAll('.summary-list__row')) {
    rows[row.querySelector('dt')?.textContent?.trim() ?? ''] = row.querySelector('dd')?.textContent?.trim() ?? '';
  }
  return rows;
}

/**
 * The words of an element that may take a moment to appear (the viewers are loaded on
 * first use): waits until it is there, then reads it.
 */
export async function shown(id: string): Promise<string> {
  await until(() => expect(byTestId(id), `an element with data-testid="${id}"`).not.toBeNull());
  return text(id);
}

/** The words of an element as a reader meets them: each piece of text, spaced, whitespace collapsed. */
export function text(id: string): string {
  const walker = document.createTreeWalker(need(id), NodeFilter.SHOW_TEXT);
  const parts: string[] = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const piece = node.textContent?.replace(/\s+/g, ' ').trim();
    if (piece) parts.push(piece);
  }
  return parts.join(' ');
}
