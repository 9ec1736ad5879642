/**
 * The mappers over every NHS example response they read (from ../shared/ers-reference),
 * with the facts each example was written to show checked by value.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ErsError } from '../../../electron/ers/ers-error';
import { Appointment } from '../../../electron/ers/fhir-types';
import { mapAvailableActions } from '../../../electron/ers/map-actions';
import { mapAdviceReply, mapAdviceRequest, mapConversation } from '../../../electron/ers/map-advice';
import { mapAppointment } from '../../../electron/ers/map-appointment';
import { mapBusinessFunctions } from '../../../electron/ers/map-business-functions';
import { mapReferral } from '../../../electron/ers/map-referral';
import { conceptsInForce, mapCodeSystem, rejectionReasons } from '../../../electron/ers/map-reference-data';
import { mapAdviceWorklist, mapReferralWorklist } from '../../../electron/ers/map-worklist';
import { parseResource } from '../../../electron/ers/parse-fhir';
import { hasReference, referenceDir, warnIfNoReference } from '../../helpers/repo';
import { waitingClocks } from '../../../contract';

function must<T>(value: T | undefined): T {
  if (value === undefined) throw new Error('missing');
  return value;
}

const ctx = { operation: null, correlationId: 'test-correlation' };
const now = new Date('2021-09-13T12:00:00Z');
const dir = (relative: string) => path.join(referenceDir, relative);
const load = (relative: string): unknown => JSON.parse(readFileSync(dir(relative), 'utf8'));
const jsonFiles = (relative: string) =>
  readdirSync(dir(relative))
    .filter((name) => name.endsWith('.json'))
    .map((name) => `${relative}/${name}`);

warnIfNoReference('mapping of the NHS example responses');

describe.skipIf(!hasReference)('worklists (A008, A023)', () => {
  it('maps every example worklist, every row with a 3 3 4 NHS number and a UBRN', () => {
    const files = jsonFiles('examples/stu3/retrieveWorklist/responses');
    expect(files).toHaveLength(9);
    for (const file of files) {
      const items = mapReferralWorklist(load(file), { now }, ctx);
      expect(items.length, file).toBeGreaterThan(0);
      for (const { row } of items) {
        expect(row.nhsNumber).toMatch(/^\d{3} \d{3} \d{4}$/);
        expect(row.ubrn).toMatch(/^\d{12}$/);
        expect(row.referralDate).toMatch(/^\d{4}-\d{2}-\d{2}$/);
      }
    }
  });

  it('reads "Referrals for review" field by field, and places booked and triage rows', () => {
    const items = mapReferralWorklist(load('examples/stu3/retrieveWorklist/responses/ReferralsForReview.json'), { now }, ctx);
    expect(items).toEqual([
      {
        kind: 'triage',
        row: {
          id: '000000070002',
          ubrn: '000000070002',
          version: '7',
          priority: 'ROUTINE',
          nhsNumber: '946 297 9626',
          patientName: '',
          service: 'Excellent Cardiology Business Service 12',
          specialty: 'Cardiology',
          referralDate: '2021-09-03',
          daysWaiting: 10,
          reviewStatus: 'Never Reviewed',
          assignedClinician: null,
          pathwayStart: '2021-09-03T14:09:15.297Z',
          appointmentStart: null,
          adviceWaitingSince: null,
        },
      },
      {
        kind: 'referrals',
        row: {
          id: '000000070001',
          ubrn: '000000070001',
          version: '12',
          priority: 'ROUTINE',
          nhsNumber: '100 000 0001',
          patientName: '',
          service: 'Another Excellent Cardiology Business Service 13',
          specialty: 'Cardiology',
          referralDate: '2021-09-03',
          daysWaiting: 10,
          reviewStatus: 'Never Reviewed',
          assignedClinician: '021600556514',
          pathwayStart: '2021-09-03T14:09:11.381Z',
          appointmentStart: '2021-09-05T15:09:03.971Z',
          adviceWaitingSince: null,
        },
      },
    ]);
  });

  it('gives NHS’s example rows their clocks: the RTT clock from eReferralPathwayStart, a passed appointmentStart, the A&G reply from adviceLastUpdated', () => {
    const items = mapReferralWorklist(load('examples/stu3/retrieveWorklist/responses/ReferralsForReview.json'), { now }, ctx);
    const booked = waitingClocks(must(items[1]).row, now.getTime());
    expect(booked.clocks.map((clock) => clock.text)).toEqual(['RTT day 10 of 126 — 116 days left']);
    expect(booked.appointmentText).toBe('Appointment date passed (5 Sep 2021)');
    const advice = mapAdviceWorklist(
      load('examples/stu3/retrieveAdviceAndGuidanceWorklist/responses/AdviceAndGuidanceRequests.json'),
      { now },
      ctx,
    );
    // Wednesday 8 September 2021 to Monday 13th: Thursday, Friday and Monday are three working days.
    expect(waitingClocks(must(advice[0]), now.getTime()).clocks.map((clock) => clock.text)).toEqual([
      'A&G reply day 3 of 2 — overdue by 1 working day',
    ]);
  });

  it('uses the specialty names of the loaded reference data', () => {
    const items = mapReferralWorklist(
      load('examples/stu3/retrieveWorklist/responses/FilteredBySpecialty.json'),
      { now, specialtyName: (code) => (code === 'CARDIOLOGY' ? 'Cardiology (e-RS)' : undefined) },
      ctx,
    );
    expect(items.every(({ row }) => row.specialty === 'Cardiology (e-RS)')).toBe(true);
  });

  it('reads patients given inline, and the reason on "Appointment slot issues"', () => {
    const items = mapReferralWorklist(load('examples/stu3/retrieveWorklist/responses/AppointmentSlotIssues.json'), { now }, ctx);
    expect(items[0]?.row).toMatchObject({
      ubrn: '000000070001',
      nhsNumber: '100 000 0001',
      reviewStatus: 'No slots at service',
      version: '',
    });
  });

  it('maps the A&G worklist', () => {
    const rows = mapAdviceWorklist(
      load('examples/stu3/retrieveAdviceAndGuidanceWorklist/responses/AdviceAndGuidanceRequests.json'),
      { now },
      ctx,
    );
    expect(rows[0]).toEqual({
      id: '000000070000',
      ubrn: '000000070000',
      version: '10',
      priority: 'ROUTINE',
      nhsNumber: '100 000 0001',
      patientName: '',
      service: 'Advice Only',
      specialty: 'Cardiology',
      referralDate: '2021-09-08',
      daysWaiting: 5,
      reviewStatus: 'Provider response required',
      assignedClinician: null,
      pathwayStart: null,
      appointmentStart: null,
      adviceWaitingSince: '2021-09-08T13:17:27.655Z',
    });
    expect(rows).toHaveLength(2);
    // The second waits for the referrer (REFERRER_TO_SUBMIT_FURTHER_INFORMATION): no reply is owed, so no clock.
    expect(rows[1]?.adviceWaitingSince).toBeNull();
  });
});

describe.skipIf(!hasReference)('referrals (A005 and the decision answers)', () => {
  const referralFiles = [
    ...jsonFiles('examples/stu3/retrieveReferralRequest/responses'),
    ...jsonFiles('examples/stu3/acceptReferral/responses'),
    ...jsonFiles('examples/stu3/rejectReferral/responses'),
    ...jsonFiles('examples/stu3/recordTriageOutcome/responses'),
    ...jsonFiles('examples/stu3/convertAdviceAndGuidanceToReferral/responses'),
  ];

  it('maps every example referral', () => {
    expect(referralFiles.length).toBeGreaterThanOrEqual(16);
    for (const file of referralFiles) {
      const view = mapReferral(load(file), { now }, ctx);
      expect(view.ubrn, file).toMatch(/^\d{12}$/);
      expect(view.version, file).toMatch(/^\d+$/);
      expect(view.nhsNumber, file).toMatch(/^\d{3} \d{3} \d{4}$/);
    }
  });

  it('reads a booked referral: appointment, service, specialty, state, attachment', () => {
    const view = mapReferral(
      load('examples/stu3/retrieveReferralRequest/responses/BookedDBS.json'),
      { now: new Date('2024-05-18T12:00:00Z'), expectedUbrn: '000000070001' },
      ctx,
    );
    expect(view).toMatchObject({
      ubrn: '000000070001',
      version: '5',
      nhsNumber: '991 200 3888',
      patientName: null,
      status: 'active',
      state: { code: 'BOOKED', display: 'Booked' },
      priority: 'ROUTINE',
      specialty: { code: 'CARDIOLOGY', display: 'Cardiology' },
      service: { id: '11002', name: 'Good Cardiology Business Service' },
      commissioningOrganisationOds: 'R69',
      referralDate: '2024-05-08',
      daysWaiting: 10,
      relatedReferrals: [],
      allowedActions: null,
      appointment: { id: '70009', status: 'booked', start: '2021-06-13T12:30:00.000Z', clinicianUserId: '021600556514' },
    });
    expect(view.attachments).toEqual([
      {
        id: '719f6045-e791-4029-8e0f-1201c02b0a55',
        title: 'referralletter.pdf',
        description: 'referralletter pdf',
        contentType: 'application/pdf',
        size: 6,
        createdAt: '2021-06-11',
        attachmentType: 'REFERRER',
        availability: 'AVAILABLE',
        available: true,
        unavailableReason: null,
        attachedBy: { userId: '021600556514', name: null, organisationOds: 'R69', businessFunction: null },
        attachedOnBehalfOfUserId: null,
      },
    ]);
  });

  it('shows unavailable attachments with e-RS reason', () => {
    const view = mapReferral(load('examples/stu3/retrieveReferralRequest/responses/WithUnavailableAttachments.json'), { now }, ctx);
    expect(view.attachments.map((a) => [a.title, a.availability, a.available])).toEqual([
      ['referralletter1.pdf', 'PENDING', false],
      ['referralletter2.png', 'THREATS_FOUND', false],
      ['referralletter3.doc', 'VALIDATION_FAILED', false],
    ]);
    expect(view.attachments[0]?.unavailableReason).toBe('e-RS is still scanning this file for viruses. Try again in at least 5 minutes.');
    expect(view.attachments[1]?.unavailableReason).toBe(
      'e-RS quarantined this file because a threat was found. Contact the organisation that uploaded it (ODS R69) for the information you need.',
    );
    expect(view.attachments[2]?.unavailableReason).toMatch(/failed e-RS validation/);
    expect(view.referralDate).toBe('2021-06-11');
  });

  it('reads related referrals, additional requirements, A&G origin and the unbooked specialty', () => {
    expect(
      mapReferral(load('examples/stu3/retrieveReferralRequest/responses/WithRelatedReferral.json'), { now }, ctx).relatedReferrals,
    ).toEqual(['000000070004']);
    expect(
      mapReferral(load('examples/stu3/retrieveReferralRequest/responses/WithAdditionalRequirements.json'), { now }, ctx)
        .additionalRequirements,
    ).toEqual(['Advocacy', 'Interpreter', 'Transport']);
    const converted = mapReferral(
      load('examples/stu3/retrieveReferralRequest/responses/ConvertedFromAdviceAndGuidance.json'),
      { now },
      ctx,
    );
    expect(converted.adviceRequestUbrn).toBe('000000070004');
    expect(converted.attachments).toHaveLength(4);
    const unbooked = mapReferral(load('examples/stu3/retrieveReferralRequest/responses/Unbooked.json'), { now }, ctx);
    expect(unbooked.specialty).toEqual({ code: 'CARDIOLOGY', display: 'Cardiology' });
    expect(unbooked.appointment).toBeNull();
    expect(unbooked.service?.name).toBeTruthy();
  });

  it('maps every example appointment (A038)', () => {
    for (const file of jsonFiles('examples/stu3/retrieveAppointment/responses')) {
      const appointment = mapAppointment(parseResource(Appointment, 'Appointment', load(file), ctx), null);
      expect(appointment.status, file).toMatch(/^(booked|proposed|cancelled)$/);
      expect(appointment.id, file).toBeTruthy();
    }
  });
});

describe.skipIf(!hasReference)('advice and guidance (A024, A025, A026)', () => {
  it('maps every example request', () => {
    for (const file of jsonFiles('examples/stu3/retrieveAdviceAndGuidanceRequest/responses')) {
      const view = mapAdviceRequest(load(file), {}, ctx);
      expect(view.nhsNumber, file).toMatch(/^\d{3} \d{3} \d{4}$/);
      expect(view.requester?.userId, file).toMatch(/^\d{12}$/);
    }
    const view = mapAdviceRequest(
      load('examples/stu3/retrieveAdviceAndGuidanceRequest/responses/WithAttachmentFileReference.json'),
      { expectedUbrn: '000000070001' },
      ctx,
    );
    expect(view).toMatchObject({
      ubrn: '000000070001',
      version: '5',
      nhsNumber: '991 200 3888',
      priority: 'ROUTINE',
      specialty: { code: 'CARDIOLOGY', display: 'Cardiology' },
      service: { id: '11014', name: 'Cardiology Advice Service' },
      status: { code: 'PROVIDER_RESPONSE_REQUIRED', display: 'Provider response required' },
      requester: { userId: '103264992985', organisationOds: 'R69', businessFunction: 'REFERRING_CLINICIAN' },
      conversionAuthorised: true,
    });
    expect(view.attachments.map((a) => [a.id, a.title, a.available])).toEqual([
      ['719f6045-e791-4029-8e0f-1201c02b0a55', 'upload.png', true],
    ]);
  });

  const consistent: [string, string, string][] = [
    ['SingleMessageFromReferrer.json', '000000070000', '1'],
    ['OneMessageEachWay.json', '000000070000', '2'],
    ['AttachmentPresentInEachDirection.json', '000000070001', '6'],
    ['MultiWayConversation.json', '000000070002', '1'],
  ];

  it('maps the conversations, oldest message first, with authors and attachments', () => {
    for (const [file, ubrn, version] of consistent) {
      const view = mapConversation(load(`examples/stu3/retrieveAdviceAndGuidanceConversation/${file}`), { ubrn, version }, ctx);
      expect(view.messages.length, file).toBeGreaterThan(0);
      const times = view.messages.map((m) => Date.parse(m.sentAt ?? ''));
      expect(
        [...times].sort((a, b) => a - b),
        file,
      ).toEqual(times);
    }
    const both = mapConversation(
      load('examples/stu3/retrieveAdviceAndGuidanceConversation/AttachmentPresentInEachDirection.json'),
      { ubrn: '000000070001', version: '6' },
      ctx,
    );
    expect(
      both.messages.map((m) => [
        m.id,
        m.sentBy,
        m.author?.userId,
        m.author?.organisationOds,
        m.author?.businessFunction,
        m.attachments.map((a) => a.title),
      ]),
    ).toEqual([
      ['70000', 'REQUESTER', '921600556514', 'R68', 'REFERRING_CLINICIAN', ['testResultsA.pdf']],
      ['70001', 'RESPONDER', '103264994981', 'R69', 'SERVICE_PROVIDER_CLINICIAN', ['testXXXInfo.pdf']],
    ]);
    expect(both.messages[0]?.text).toBe('Please advise me on this patient who ...(information about patient)');
    const multi = mapConversation(
      load('examples/stu3/retrieveAdviceAndGuidanceConversation/MultiWayConversation.json'),
      { ubrn: '000000070002', version: '1' },
      ctx,
    );
    expect(multi.messages.map((m) => m.id)).toEqual(['70000', '70001', '70003', '70002']);
  });

  it('refuses the two example conversations whose messages belong to other requests', () => {
    for (const [file, ubrn, version] of [
      ['AttachmentUploadedFromRCS.json', '000000070003', '7'],
      ['UnavailableAttachments.json', '000000070004', '3'],
    ] as const) {
      expect(() => mapConversation(load(`examples/stu3/retrieveAdviceAndGuidanceConversation/${file}`), { ubrn, version }, ctx)).toThrow(
        /a message belongs to another advice request/,
      );
    }
    // Read for the request their messages are based on, they map (unavailable files included).
    const view = mapConversation(
      load('examples/stu3/retrieveAdviceAndGuidanceConversation/AttachmentUploadedFromRCS.json'),
      { ubrn: '000000070007', version: '7' },
      ctx,
    );
    expect(view.messages.map((m) => m.sentBy)).toEqual(['REQUESTER', 'REFERRER_CLINICAL_INFORMATION_UPDATED']);
    expect(view.messages[1]?.author?.businessFunction).toBeNull();
  });

  it('maps every A026 answer: the updated request and the created message', () => {
    for (const file of jsonFiles('examples/stu3/sendAdviceAndGuidanceResponse/responses')) {
      const result = mapAdviceReply(load(file), { expectedUbrn: '000000070000' }, ctx);
      expect(result.request.ubrn).toBe('000000070000');
      expect(result.message?.sentBy, file).toBe('RESPONDER');
    }
    const withFile = mapAdviceReply(load('examples/stu3/sendAdviceAndGuidanceResponse/responses/AttachmentIncluded.json'), {}, ctx);
    expect(withFile.message?.attachments.map((a) => a.title)).toEqual(['TreatmentSpecification.pdf']);
    expect(withFile.message?.author?.userId).toBe('103264994981');
  });
});

describe.skipIf(!hasReference)('actions, reference data and roles (A029, A004, A030)', () => {
  it('maps every example action list', () => {
    const expected: Record<string, string[]> = {
      'Empty.json': [],
      'WithRecordReviewOutcome.json': ['RECORD_REVIEW_OUTCOME'],
      'WithCancelReferral.json': ['CANCEL_REFERRAL'],
    };
    for (const file of jsonFiles('examples/stu3/availableActionsForUserList')) {
      const body = load(file) as { entry: { resource: { focus?: { reference?: string } } }[] };
      const focus = body.entry[0]?.resource.focus?.reference?.split('/')[1] ?? '000000070000';
      const actions = mapAvailableActions(body, focus, ctx);
      const name = path.basename(file);
      if (expected[name]) expect(actions, name).toEqual(expected[name]);
      else expect(actions.length, name).toBeGreaterThan(0);
    }
    expect(() =>
      mapAvailableActions(load('examples/stu3/availableActionsForUserList/WithRecordReviewOutcome.json'), '000000070099', ctx),
    ).toThrow(ErsError);
  });

  it('maps every example code system and picks A014 reasons', () => {
    for (const file of jsonFiles('examples/stu3/getCodeSystem/responses')) {
      const id = (load(file) as { id: string }).id;
      const view = mapCodeSystem(load(file), id, ctx);
      expect(view.concepts.length, file).toBeGreaterThan(0);
    }
    const reasons = mapCodeSystem(
      load('examples/stu3/getCodeSystem/responses/AppointmentCancellationReasonCodeSystem.json'),
      'APPOINTMENT-CANCELLATION-REASON',
      ctx,
    );
    expect(
      rejectionReasons(reasons, now)
        .map((c) => c.code)
        .sort(),
    ).toEqual([
      'FURTHER_INFORMATION_REQUIRED',
      'OTHER',
      'OUTPATIENT_APPT_NOT_REQUIRED',
      'SERVICE_INAPPROPRIATE',
      'SERVICE_PREREQUISITES_NOT_COMPLETE',
    ]);
    const specialty = mapCodeSystem(load('examples/stu3/getCodeSystem/responses/SpecialtyCodeSystem.json'), 'SPECIALTY', ctx);
    const adultMentalIllness = specialty.concepts.find((c) => c.code === 'ADULT_MENTAL_ILLNESS');
    expect(adultMentalIllness).toMatchObject({ effectiveFrom: '2004-06-01', effectiveTo: '2008-05-09' });
    expect(conceptsInForce(specialty, now).some((c) => c.code === 'ADULT_MENTAL_ILLNESS')).toBe(false);
    expect(() => mapCodeSystem(load('examples/stu3/getCodeSystem/responses/SpecialtyCodeSystem.json'), 'PRIORITY', ctx)).toThrow(
      /not the one asked for/,
    );
  });

  it('maps the example business functions', () => {
    expect(mapBusinessFunctions(load('examples/r4/retrieveBusinessFunctions/responses/PractitionerRoleBundle.json'), ctx)).toEqual([
      {
        id: 'PractitionerRole-R69-000000000101',
        userId: '000000000101',
        organisationOds: 'R69',
        businessFunctions: ['SERVICE_DEFINER', 'SERVICE_PROVIDER_CLINICIAN', 'SERVICE_PROVIDER_ADMIN'],
      },
      {
        id: 'PractitionerRole-R68-000000000101',
        userId: '000000000101',
        organisationOds: 'R68',
        businessFunctions: ['REFERRING_CLINICIAN'],
      },
    ]);
  });
});
