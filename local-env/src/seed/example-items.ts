/**
 * Synthetic items at the ids the NHS e-RS examples and sandbox use (ReferralRequest
 * 000000070000…, CommunicationRequest 000000070000…, 000049146177, Binary c8d5ba0a-…), each
 * shaped like its published example: unbooked, booked to a directly or indirectly bookable
 * service, deferred, converted from A&G, with a related referral, with additional
 * requirements, with unavailable attachments; A&G requests with the example conversations.
 * This lets the published scenarios replay against the local e-RS, and gives a newcomer
 * one of every kind to look at. The people and patients are the seed's own.
 */
import { ADMIN_UID, CONSULTANT_UID, SECOND_CONSULTANT_UID } from '../users';
import { IdCounter, makeFile, type FileContext, type FileRequest, type NewFile } from './attachments';
import { organisationName, personName, REFERRERS } from './catalogue';
import {
  type AdviceMessage,
  type AdviceRequest,
  type Appointment,
  type Attachment,
  type BinaryRecord,
  type Patient,
  type Referral,
  type RoleRef,
} from './model';
import { Prng } from './prng';
import { specialtyDisplay } from './reference-data';

export const EXAMPLE_REFERRAL_UBRNS = [
  '000000070000',
  '000000070001',
  '000000070002',
  '000000070003',
  '000000070004',
  '000000070005',
  '000000070011',
  '000000070012',
] as const;

export const EXAMPLE_ADVICE_UBRNS = [
  '000000070000',
  '000000070001',
  '000000070002',
  '000000070003',
  '000000070004',
  '000049146177',
] as const;

/** The attachment the A006/A042 examples fetch: the letter on referral 000000070000. */
export const EXAMPLE_BINARY_ID = 'c8d5ba0a-5e5b-4b8a-8ed3-4f0c3c1d7e2a';

/**
 * Files uploaded through A020 for 000000070000 but not yet attached: the example requests
 * for A026, A027 and A028 attach them by these ids.
 */
export const EXAMPLE_UPLOADS = [
  { id: '19eb7224-dff3-4730-a5cb-67eac811f1a5', fileName: 'TreatmentSpecification.pdf' },
  { id: 'a7c98bb4-c0d0-4094-b26d-8dbd1677edc8', fileName: 'ConditionDetails.pdf' },
  { id: 'badaf6fc-90f4-411d-999f-04ccd79fa166', fileName: 'InitialMedication.pdf' },
  { id: '38dc19ab-893f-47ca-8db0-2d0a07c0e387', fileName: 'ReferralLetter.pdf' },
] as const;

export interface ExampleItems {
  referrals: Referral[];
  advice: AdviceRequest[];
  binaries: BinaryRecord[];
}

const REFERRER = REFERRERS[1] ?? { uid: '555000000201', ods: 'A99001' };
const REFERRER_ROLE: RoleRef = { uid: REFERRER.uid, ods: REFERRER.ods, businessFunction: 'REFERRING_CLINICIAN' };
const REFERRER_ADMIN_ROLE: RoleRef = { uid: '555000000211', ods: REFERRER.ods, businessFunction: 'REFERRING_CLINICIAN_ADMIN' };
const CONSULTANT_ROLE: RoleRef = { uid: CONSULTANT_UID, ods: 'R69', businessFunction: 'SERVICE_PROVIDER_CLINICIAN' };
const CARDIOLOGIST_ROLE: RoleRef = { uid: SECOND_CONSULTANT_UID, ods: 'R69', businessFunction: 'SERVICE_PROVIDER_CLINICIAN' };

export function buildExampleItems(patients: readonly Patient[], referenceDate: Date): ExampleItems {
  const prng = new Prng(70000);
  const ids = new IdCounter(80000);
  const binaries: BinaryRecord[] = [];
  const day = 24 * 60 * 60 * 1000;
  const at = (daysAgo: number, minutes = 0) => new Date(referenceDate.getTime() - daysAgo * day + minutes * 60_000).toISOString();
  const patient = (index: number): Patient => {
    const found = patients[index % patients.length];
    if (!found) throw new Error('The seed needs patients before example items.');
    return found;
  };
  const context = (ubrn: string, p: Patient): FileContext => ({
    ubrn,
    nhsNumber: p.nhsNumber,
    patientName: `${p.givenName} ${p.familyName}`,
    specialty: specialtyDisplay('CARDIOLOGY'),
    referrer: personName(REFERRER.uid) ?? 'the referring GP',
    organisation: organisationName(REFERRER.ods),
  });
  const file = (ubrn: string, p: Patient, request: FileRequest): Attachment => {
    const made: NewFile = makeFile(prng, ids, context(ubrn, p), request);
    binaries.push(made.binary);
    return made.attachment;
  };
  const letter = (ubrn: string, p: Patient, indexed: string, extra: Partial<FileRequest> = {}): Attachment =>
    file(ubrn, p, {
      kind: 'pdf-letter',
      type: 'REFERRER',
      indexed,
      attachedBy: REFERRER.uid,
      attachedByOrg: REFERRER.ods,
      fileName: 'referral-letter.pdf',
      ...extra,
    });

  const base = (ubrn: string, p: Patient, created: string, overrides: Partial<Referral>): Referral => ({
    ubrn,
    version: 5,
    requestId: `r.${prng.uuid()}`,
    patientNhsNumber: p.nhsNumber,
    referrer: REFERRER_ROLE,
    created,
    lastUpdated: created,
    priority: 'ROUTINE',
    specialty: 'CARDIOLOGY',
    clinicType: 'HEART_FAILURE',
    searchCriteria: { postcode: p.postcode, distanceLimit: 50, ageAndGenderAppropriate: true },
    shortlist: ['11002'],
    serviceId: null,
    commissioningRuleOrg: 'R69',
    clinicalInfoFirstSubmitted: created,
    status: { code: 'NOT_BOOKED' },
    attachments: [],
    relatedUbrns: [],
    additionalRequirements: [],
    requestContextStatus: 'NEVER_REVIEWED',
    clinicalInfoPrinted: false,
    history: [{ version: 1, at: created, action: 'CREATED', by: REFERRER.uid, organisation: REFERRER.ods }],
    ...overrides,
  });
  const booked = (id: string, serviceId: string, start: string, minutes: number, extra: Partial<Appointment> = {}): Appointment => ({
    id,
    version: 0,
    kind: 'DBS',
    status: 'booked',
    serviceId,
    created: start,
    start,
    end: new Date(Date.parse(start) + minutes * 60_000).toISOString(),
    slotId: `${serviceId}${id.slice(-3)}`,
    ...extra,
  });

  const referrals: Referral[] = [];

  // Unbooked: a shortlist, no appointment yet; the letter was attached on behalf of the GP.
  {
    const p = patient(0);
    const created = at(20);
    referrals.push(
      base('000000070000', p, created, {
        attachments: [
          letter('000000070000', p, created, {
            binaryId: EXAMPLE_BINARY_ID,
            attachedBy: REFERRER_ADMIN_ROLE.uid,
            attachedOnBehalfOf: REFERRER.uid,
          }),
        ],
      }),
    );
  }
  // Booked into a directly bookable service, with a named consultant on the slot.
  {
    const p = patient(1);
    const created = at(12);
    referrals.push(
      base('000000070001', p, created, {
        serviceId: '11002',
        pathwayStart: created,
        status: { code: 'BOOKED' },
        appointment: booked('70009', '11002', at(-9, 600), 15, { created, consultantUid: SECOND_CONSULTANT_UID }),
        attachments: [letter('000000070001', p, created)],
        allocatedClinician: SECOND_CONSULTANT_UID,
      }),
    );
  }
  // Booked into an indirectly bookable service: the trust books the time; no slot.
  {
    const p = patient(2);
    const created = at(11);
    const start = at(-14, 600);
    referrals.push(
      base('000000070002', p, created, {
        shortlist: ['11016', '11017'],
        serviceId: '11016',
        pathwayStart: created,
        status: { code: 'BOOKED' },
        appointment: { id: '70010', version: 0, kind: 'IBS', status: 'booked', serviceId: '11016', created, start, end: start },
        attachments: [letter('000000070002', p, created)],
      }),
    );
  }
  // Deferred to the provider: no slots were available at the service.
  {
    const p = patient(3);
    const created = at(9);
    referrals.push(
      base('000000070003', p, created, {
        priority: 'URGENT',
        shortlist: ['11010'],
        serviceId: '11010',
        pathwayStart: created,
        status: { code: 'DEFERRED_TO_PROVIDER', reason: { system: 'REVIEW_REASON', code: 'NO_SLOTS_AT_SERVICE' } },
        appointment: {
          id: '70011',
          version: 1,
          kind: 'DEFERRED',
          status: 'proposed',
          serviceId: '11010',
          created,
          reason: { system: 'REVIEW_REASON', code: 'NO_SLOTS_AT_SERVICE' },
          comment: 'No appointments available within the waiting time standard.',
        },
        attachments: [letter('000000070003', p, created)],
        allocatedClinician: CONSULTANT_UID,
      }),
    );
  }
  // Converted from an A&G request: the provider asked its admin team to refer the patient.
  {
    const p = patient(4);
    const created = at(30);
    const converted = at(6);
    const comment = 'Please book into the heart failure clinic.';
    referrals.push(
      base('000000070004', p, created, {
        priority: 'TWO_WEEK_WAIT',
        shortlist: ['11014'],
        serviceId: '11014',
        status: {
          code: 'TRIAGED_PROVIDER_TO_ACTION',
          reason: { system: 'REVIEW_OUTCOME', code: 'PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER' },
          comments: comment,
        },
        appointment: {
          id: '70012',
          version: 1,
          kind: 'TRIAGE',
          status: 'proposed',
          serviceId: '11014',
          created: converted,
          reason: { system: 'REVIEW_OUTCOME', code: 'PROVIDER_CONVERTED_ADVICE_AND_GUIDANCE_ADMIN_TO_REFER' },
          comment,
        },
        attachments: [
          file('000000070004', p, {
            kind: 'pdf-advice-overview',
            type: 'REFERRER',
            indexed: converted,
            attachedBy: CONSULTANT_UID,
            attachedByOrg: 'R69',
            fileName: 'Advice and guidance conversation - 000000070004.pdf',
            description: null,
          }),
          file('000000070004', p, {
            kind: 'png',
            type: 'ADVICE_REQUEST',
            indexed: created,
            attachedBy: REFERRER.uid,
            attachedByOrg: REFERRER.ods,
            fileName: 'ecg-trace.png',
          }),
          file('000000070004', p, {
            kind: 'png',
            type: 'GUIDANCE_RESPONSE',
            indexed: converted,
            attachedBy: CONSULTANT_UID,
            attachedByOrg: 'R69',
            fileName: 'blood-results.png',
          }),
          file('000000070004', p, {
            kind: 'png',
            type: 'PROVIDER',
            indexed: converted,
            attachedBy: CONSULTANT_UID,
            attachedByOrg: 'R69',
            fileName: 'spirometry.png',
          }),
        ],
        convertedFromAdvice: '000000070004',
      }),
    );
  }
  // Onward referral: points at the referral earlier in the same pathway; no letter of its own.
  {
    const p = patient(4);
    const created = at(5);
    const start = at(-3, 540);
    const withRelated = base('000000070005', p, created, {
      priority: 'TWO_WEEK_WAIT',
      serviceId: '11002',
      pathwayStart: at(30),
      status: { code: 'BOOKED' },
      appointment: booked('70013', '11002', start, 60, { created, consultantUid: SECOND_CONSULTANT_UID }),
      relatedUbrns: ['000000070004'],
    });
    delete withRelated.clinicalInfoFirstSubmitted;
    referrals.push(withRelated);
  }
  // Booked, with the patient's additional requirements; recorded under the older specialty system.
  {
    const p = patient(5);
    const created = at(15);
    referrals.push(
      base('000000070011', p, created, {
        serviceId: '11002',
        pathwayStart: created,
        status: { code: 'BOOKED' },
        attachments: [letter('000000070011', p, created)],
        additionalRequirements: ['ADVOCACY', 'INTERPRETER', 'TRANSPORT'],
        legacySpecialtySystem: true,
      }),
    );
  }
  // Unbooked, with files e-RS will not release yet: scanning, quarantined, failed validation.
  {
    const p = patient(6);
    const created = at(18);
    const onBehalf = { attachedBy: REFERRER_ADMIN_ROLE.uid, attachedOnBehalfOf: REFERRER.uid };
    referrals.push(
      base('000000070012', p, created, {
        attachments: [
          letter('000000070012', p, created, { ...onBehalf, availability: 'PENDING', fileName: 'referral-letter-1.pdf' }),
          file('000000070012', p, {
            kind: 'png',
            type: 'REFERRER',
            indexed: created,
            attachedByOrg: REFERRER.ods,
            ...onBehalf,
            availability: 'THREATS_FOUND',
            fileName: 'referral-letter-2.png',
          }),
          file('000000070012', p, {
            kind: 'docx',
            type: 'REFERRER',
            indexed: created,
            attachedByOrg: REFERRER.ods,
            ...onBehalf,
            availability: 'VALIDATION_FAILED',
            fileName: 'referral-letter-3.doc',
          }),
        ],
      }),
    );
  }
  // Word 97 files are application/msword in e-RS, whatever the generator draws them as.
  const doc = binaries.find((b) => b.fileName === 'referral-letter-3.doc');
  if (doc) doc.contentType = 'application/msword';
  for (const referral of referrals) {
    for (const attachment of referral.attachments) if (attachment.title.endsWith('.doc')) attachment.contentType = 'application/msword';
    referral.history.push({ version: referral.version, at: referral.lastUpdated, action: 'UPDATED' });
  }

  // Files uploaded for 000000070000 and not yet attached to anything.
  {
    const uploadedAt = at(1);
    for (const upload of EXAMPLE_UPLOADS) {
      const p = patient(0);
      const made = makeFile(prng, ids, context('000000070000', p), {
        kind: 'pdf-letter',
        type: 'PROVIDER',
        indexed: uploadedAt,
        attachedBy: CONSULTANT_UID,
        attachedByOrg: 'R69',
        fileName: upload.fileName,
        binaryId: upload.id,
        pages: 1,
        title: upload.fileName.replace(/\.pdf$/, ''),
      });
      const binary: BinaryRecord = { ...made.binary, referralId: '000000070000', uploadedBy: CONSULTANT_ROLE };
      delete binary.attachedAs;
      binaries.push(binary);
    }
  }

  const advice: AdviceRequest[] = [];
  let messageNumber = 70000;
  const message = (
    category: AdviceMessage['category'],
    sender: RoleRef,
    sent: string,
    text: string,
    attachments: Attachment[] = [],
  ): AdviceMessage => {
    messageNumber += 1;
    return { id: String(messageNumber), sent, category, sender, text, attachments };
  };
  const adviceBase = (ubrn: string, p: Patient, firstRequested: string, overrides: Partial<AdviceRequest>): AdviceRequest => ({
    ubrn,
    version: 5,
    requestId: `a.${prng.uuid()}`,
    patientNhsNumber: p.nhsNumber,
    priority: 'ROUTINE',
    specialty: 'CARDIOLOGY',
    clinicType: 'HEART_FAILURE',
    searchCriteria: { ageAndGenderAppropriate: true, commissioningProvisioning: 'ALL_AVAILABLE_FOR_BOOKING' },
    shortlist: ['11014'],
    serviceId: '11014',
    requester: REFERRER_ROLE,
    status: 'PROVIDER_RESPONSE_REQUIRED',
    conversionAuthorised: true,
    firstRequested,
    lastUpdated: firstRequested,
    attachments: [],
    messages: [],
    history: [{ version: 1, at: firstRequested, action: 'CREATED', by: REFERRER_ROLE.uid, organisation: REFERRER_ROLE.ods }],
    ...overrides,
  });
  const adviceFile = (
    ubrn: string,
    p: Patient,
    request: Omit<FileRequest, 'attachedBy' | 'attachedByOrg'> & { by: RoleRef; onBehalfOf?: string },
  ): Attachment => {
    const { by, onBehalfOf, ...rest } = request;
    const full: FileRequest = { ...rest, attachedBy: by.uid, attachedByOrg: by.ods };
    if (onBehalfOf) full.attachedOnBehalfOf = onBehalfOf;
    return file(ubrn, p, full);
  };

  // A simple request: a question, a request for a test, and the answer now awaiting advice.
  {
    const p = patient(7);
    const first = at(10);
    advice.push(
      adviceBase('000000070000', p, first, {
        lastUpdated: at(2),
        messages: [
          message(
            'REQUESTER',
            REFERRER_ROLE,
            first,
            'Breathless on exertion for three months, ankle swelling. Would you advise on further investigation before referral?',
          ),
          message('RESPONDER', CONSULTANT_ROLE, at(7), 'Please arrange an NT-proBNP and an ECG and send me the results.'),
          message('REQUESTER', REFERRER_ROLE, at(2), 'NT-proBNP raised; ECG shows sinus rhythm. Please advise.'),
        ],
      }),
    );
  }
  // With a file sent with the request, and a file in each direction of the conversation.
  {
    const p = patient(8);
    const first = at(14);
    advice.push(
      adviceBase('000000070001', p, first, {
        version: 6,
        status: 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION',
        requester: { ...REFERRER_ROLE },
        attachments: [
          adviceFile('000000070001', p, {
            kind: 'png',
            type: 'REFERRER',
            indexed: first,
            by: REFERRER_ADMIN_ROLE,
            onBehalfOf: REFERRER.uid,
            fileName: 'upload.png',
          }),
        ],
        messages: [
          message('REQUESTER', REFERRER_ROLE, first, 'Results of recent tests attached. Is a referral needed?', [
            adviceFile('000000070001', p, {
              kind: 'pdf-letter',
              type: 'ADVICE_REQUEST',
              indexed: first,
              by: REFERRER_ADMIN_ROLE,
              onBehalfOf: REFERRER.uid,
              fileName: 'test-results.pdf',
              pages: 1,
            }),
          ]),
          message('RESPONDER', CONSULTANT_ROLE, at(12), 'Please perform the tests in the attached protocol and send me the results.', [
            adviceFile('000000070001', p, {
              kind: 'pdf-letter',
              type: 'GUIDANCE_RESPONSE',
              indexed: at(12),
              by: { ...CONSULTANT_ROLE, uid: ADMIN_UID },
              onBehalfOf: CONSULTANT_UID,
              fileName: 'test-protocol.pdf',
              pages: 1,
            }),
          ]),
        ],
        lastUpdated: at(12),
      }),
    );
  }
  // Files sent with the request that e-RS will not release; a longer exchange of messages.
  {
    const p = patient(9);
    const first = at(16);
    const onBehalf = { by: REFERRER_ADMIN_ROLE, onBehalfOf: REFERRER.uid };
    advice.push(
      adviceBase('000000070002', p, first, {
        version: 4,
        status: 'REFERRER_TO_SUBMIT_FURTHER_INFORMATION',
        priority: 'TWO_WEEK_WAIT',
        attachments: [
          adviceFile('000000070002', p, {
            kind: 'png',
            type: 'REFERRER',
            indexed: first,
            ...onBehalf,
            availability: 'PENDING',
            fileName: 'upload-1.png',
          }),
          adviceFile('000000070002', p, {
            kind: 'png',
            type: 'REFERRER',
            indexed: first,
            ...onBehalf,
            availability: 'THREATS_FOUND',
            fileName: 'upload-2.png',
          }),
          adviceFile('000000070002', p, {
            kind: 'png',
            type: 'REFERRER',
            indexed: first,
            ...onBehalf,
            availability: 'VALIDATION_FAILED',
            fileName: 'upload-3.png',
          }),
        ],
        messages: [
          message('REQUESTER', REFERRER_ROLE, first, 'Palpitations with dizziness. Advice please on whether to refer.'),
          message('RESPONDER', CARDIOLOGIST_ROLE, at(15), 'Please request a 24-hour ECG.'),
          message('REQUESTER', REFERRER_ROLE, at(13), 'The patient now also reports breathing difficulties.'),
          message('RESPONDER', CARDIOLOGIST_ROLE, at(12), 'Please request an echocardiogram as well.'),
        ],
        lastUpdated: at(12),
      }),
    );
  }
  // The GP's admin uploaded a file with the request; e-RS noted the clinical information changed.
  {
    const p = patient(10);
    const first = at(8);
    advice.push(
      adviceBase('000000070003', p, first, {
        version: 7,
        requester: REFERRER_ADMIN_ROLE,
        messages: [
          message('REQUESTER', REFERRER_ADMIN_ROLE, first, 'Request sent on behalf of the GP; photographs attached.', [
            adviceFile('000000070003', p, {
              kind: 'png',
              type: 'ADVICE_REQUEST',
              indexed: first,
              by: REFERRER_ADMIN_ROLE,
              onBehalfOf: REFERRER.uid,
              fileName: 'advice.png',
            }),
          ]),
          message(
            'REFERRER_CLINICAL_INFORMATION_UPDATED',
            { uid: REFERRER_ADMIN_ROLE.uid, ods: REFERRER_ADMIN_ROLE.ods, businessFunction: null },
            at(7),
            'NOTE: Clinical Information has been added/amended',
          ),
        ],
        lastUpdated: at(7),
      }),
    );
  }
  // Files in the conversation that e-RS will not release.
  {
    const p = patient(11);
    const first = at(13);
    const onBehalf = { onBehalfOf: REFERRER.uid };
    advice.push(
      adviceBase('000000070004', p, first, {
        version: 3,
        status: 'ADVICE_CONVERTED',
        priority: 'TWO_WEEK_WAIT',
        messages: [
          message('REQUESTER', REFERRER_ROLE, first, 'Advice please on a patient with exertional chest pain.', [
            adviceFile('000000070004', p, {
              kind: 'pdf-letter',
              type: 'ADVICE_REQUEST',
              indexed: first,
              by: REFERRER_ADMIN_ROLE,
              ...onBehalf,
              availability: 'PENDING',
              fileName: 'history.pdf',
              pages: 1,
            }),
          ]),
          message('RESPONDER', CARDIOLOGIST_ROLE, at(12), 'Please perform an exercise test and send me the results.', [
            adviceFile('000000070004', p, {
              kind: 'pdf-letter',
              type: 'GUIDANCE_RESPONSE',
              indexed: at(12),
              by: { ...CARDIOLOGIST_ROLE, uid: ADMIN_UID },
              onBehalfOf: SECOND_CONSULTANT_UID,
              availability: 'THREATS_FOUND',
              fileName: 'protocol.pdf',
              pages: 1,
            }),
            adviceFile('000000070004', p, {
              kind: 'pdf-letter',
              type: 'GUIDANCE_RESPONSE',
              indexed: at(12),
              by: { ...CARDIOLOGIST_ROLE, uid: ADMIN_UID },
              onBehalfOf: SECOND_CONSULTANT_UID,
              availability: 'VALIDATION_FAILED',
              fileName: 'leaflet.pdf',
              pages: 1,
            }),
          ]),
        ],
        lastUpdated: at(6),
      }),
    );
  }
  // The request whose overview PDF the A043 example fetches.
  {
    const p = patient(12);
    const first = at(4);
    advice.push(
      adviceBase('000049146177', p, first, {
        version: 2,
        messages: [
          message(
            'REQUESTER',
            REFERRER_ROLE,
            first,
            'Query heart murmur heard at a routine check. Advice on the need for an echocardiogram please.',
          ),
        ],
      }),
    );
  }
  for (const item of advice) item.history.push({ version: item.version, at: item.lastUpdated, action: 'UPDATED' });

  return { referrals, advice, binaries };
}
