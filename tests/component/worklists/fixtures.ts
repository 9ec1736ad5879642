/**
 * Synthetic worklist rows and a mounted worklist screen with a faked client, for the
 * component tests. Every NHS number is in the 999 range that is never issued.
 */
import { flushPromises, mount, type VueWrapper } from '@vue/test-utils';
import { createPinia, type Pinia } from 'pinia';
import { afterEach } from 'vitest';
import { defineComponent, h } from 'vue';
import { RouterView, type Router } from 'vue-router';
import type { ChannelInput, Priority, SessionView, WorklistKind, WorklistRow, WorklistView } from '../../../contract';
import { CLIENT_KEY, TriageError, type TriageClient } from '../../../renderer/api/client';
import { createAppRouter } from '../../../renderer/router';
import { useSessionStore } from '../../../renderer/session/session-store';

/**
 * A page being hidden or closed: the worklists store writes a sort or filter it was still
 * holding (it writes them when the browser is idle). Each test ends as the page would, so
 * no write lands in the next test's storage.
 */
export function hidePage(): void {
  window.dispatchEvent(new Event('pagehide'));
}
afterEach(hidePage);

const SPECIALTIES = ['Cardiology', 'Dermatology', 'Gastroenterology', 'Neurology', 'Urology'];
const SERVICES = ['Chest Pain Clinic', 'Skin Lesion Clinic', 'Endoscopy Triage', 'Headache Clinic', 'Prostate Clinic'];
const STATUSES = ['Awaiting review', 'Review overdue', 'Information requested'];
const CLINICIANS: (string | null)[] = ['Dr Alex Consultant', 'Dr Sam Surgeon', null];
const PRIORITY_CYCLE: Priority[] = ['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT', 'ROUTINE', 'ROUTINE'];

export const CONSULTANT = { id: '555000000001', name: 'Dr Alex Consultant' };

export function ubrnFor(n: number): string {
  return String(100_000_000_000 + n);
}

/** "999 000 0042" for n = 42: formatted 3 3 4 as the rows carry it. */
export function nhsNumberFor(n: number): string {
  const digits = `999${String(n).padStart(7, '0')}`;
  return `${digits.slice(0, 3)} ${digits.slice(3, 6)} ${digits.slice(6)}`;
}

function isoDay(dayOffset: number): string {
  const base = Date.UTC(2025, 0, 1);
  return new Date(base + dayOffset * 86_400_000).toISOString().slice(0, 10);
}

/** Row number n, with every column varied deterministically by n; overrides win. */
export function makeRow(n: number, overrides: Partial<WorklistRow> = {}): WorklistRow {
  const ubrn = ubrnFor(n);
  return {
    id: ubrn,
    ubrn,
    version: String(1 + (n % 7)),
    priority: PRIORITY_CYCLE[n % PRIORITY_CYCLE.length] ?? 'ROUTINE',
    nhsNumber: nhsNumberFor(n),
    patientName: `Synthetic Patient ${n}`,
    service: SERVICES[n % SERVICES.length] ?? 'Service',
    specialty: SPECIALTIES[(n * 3) % SPECIALTIES.length] ?? 'Specialty',
    referralDate: isoDay((n * 7) % 90),
    daysWaiting: 90 - ((n * 7) % 90),
    reviewStatus: STATUSES[n % STATUSES.length] ?? 'Awaiting review',
    assignedClinician: CLINICIANS[n % CLINICIANS.length] ?? null,
    pathwayStart: `${isoDay((n * 7) % 90)}T10:00:00Z`,
    appointmentStart: null,
    adviceWaitingSince: null,
    ...overrides,
  };
}

export function makeRows(count: number, first = 1): WorklistRow[] {
  return Array.from({ length: count }, (_, i) => makeRow(first + i));
}

export function listView(kind: WorklistKind, rows: WorklistRow[], extra: Partial<WorklistView> = {}): WorklistView {
  return { kind, rows, fetchedAt: new Date().toISOString(), stale: false, ...extra };
}

type Answer = WorklistView | Error | (() => WorklistView | Error | Promise<WorklistView>);

export interface FakeClient extends TriageClient {
  /** Every worklist.fetch input, in order. */
  fetches: ChannelInput<'worklist.fetch'>[];
  answers: Partial<Record<WorklistKind, Answer>>;
}

/** A client that answers worklist.fetch from `answers` (a view, an error to throw, or a function). */
export function fakeClient(answers: Partial<Record<WorklistKind, Answer>>): FakeClient {
  const client: FakeClient = {
    fetches: [],
    answers,
    call: (async (channel: string, input: unknown) => {
      if (channel !== 'worklist.fetch') throw new TriageError({ code: 'UNKNOWN_CHANNEL', message: `${channel} is not faked.` });
      const request = input as ChannelInput<'worklist.fetch'>;
      client.fetches.push(request);
      const answer = client.answers[request.kind] ?? listView(request.kind, []);
      const value = typeof answer === 'function' ? await answer() : answer;
      if (value instanceof Error) throw value;
      return value;
    }) as TriageClient['call'],
    on: () => () => undefined,
  };
  return client;
}

export interface RoleChoice {
  businessFunction?: NonNullable<SessionView['role']>['businessFunction'];
  organisationOds?: string;
  onBehalfOf?: { userId: string; name: string } | null;
}

export function signedInView(role: RoleChoice = {}): SessionView {
  return {
    phase: 'signed-in',
    environment: 'local',
    user: CONSULTANT,
    roles: [],
    role: {
      businessFunction: role.businessFunction ?? 'SERVICE_PROVIDER_CLINICIAN',
      label: 'Service provider clinician',
      organisationOds: role.organisationOds ?? 'R69',
      organisationName: 'Riverside University Hospitals NHS Trust (synthetic)',
      onBehalfOf: role.onBehalfOf ?? null,
    },
    signInNotRequired: false,
    notice: null,
    needsReauth: false,
    rememberedRoleId: null,
  };
}

export interface MountedWorklists {
  wrapper: VueWrapper;
  router: Router;
  pinia: Pinia;
  client: FakeClient;
}

const Root = defineComponent({ name: 'TestRoot', render: () => h(RouterView) });

/** The app's own router and a fresh Pinia, signed in as `role`, showing `path`. */
export async function mountWorklists(client: FakeClient, options: { path?: string; role?: RoleChoice } = {}): Promise<MountedWorklists> {
  const pinia = createPinia();
  const router = createAppRouter();
  const wrapper = mount(Root, {
    attachTo: document.body,
    global: { plugins: [pinia, router], provide: { [CLIENT_KEY as symbol]: client } },
  });
  useSessionStore(pinia).view = signedInView(options.role);
  await router.push(options.path ?? '/worklists/referrals');
  await router.isReady();
  await flushPromises();
  return { wrapper, router, pinia, client };
}

/** The UBRNs of the rows in the DOM, top to bottom. */
export function shownUbrns(wrapper: VueWrapper): string[] {
  return wrapper.findAll('[data-testid="worklist-row"]').map((row) => row.attributes('data-ubrn') ?? '');
}

/** A key press where the user's focus is (or on the body). */
export function press(key: string, target: Element | null = document.activeElement): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
  (target ?? document.body).dispatchEvent(event);
  return event;
}

/** The value, or a failing test that names what was missing. */
export function must<T>(value: T | null | undefined, what = 'a value'): T {
  if (value === null || value === undefined) throw new Error(`Expected ${what}, found none.`);
  return value;
}
