/**
 * e-RS's rules for what the app sends, written once for both processes: dispatch() checks
 * channel input against these schemas, the e-RS request builders (electron/ers/) check
 * against these limits before anything is sent, and the renderer's forms validate with the
 * same schemas while the user types.
 *
 * The e-RS API specification decides each value. The comment beside each one names where
 * it says so, as a path in NHS England's published specification (the e-RS FHIR API
 * OpenAPI files; `stu3/` stands for `specification/components/stu3/schemas/`). Where the
 * specification states no value, the comment says that plainly and why the value is what
 * it is.
 *
 * The local e-RS emulator (local-env/) deliberately keeps its own copy of these
 * tables, so that it catches a client that gets them wrong; it must not import them.
 */
import * as v from 'valibot';

// ---------------------------------------------------------------------------------------
// Identifiers

/**
 * e-RS Unique Booking Reference Number: 12 digits. The specification gives a UBRN only as
 * a string with 12-digit examples ('000000070000', stu3/pathParameters/Ubrn.yaml); it
 * states no pattern. Twelve digits is what every UBRN e-RS issues looks like, and it
 * keeps the value safe in a URL path.
 */
export const UBRN_PATTERN = /^\d{12}$/;
export const Ubrn = v.pipe(v.string(), v.regex(UBRN_PATTERN, 'A UBRN is 12 digits.'));

/**
 * A FHIR resource version as e-RS gives it (`meta.versionId`, sent back in If-Match). The
 * specification gives a string, example '5' (stu3/pathParameters/Version.yaml), and no
 * pattern; a whole number of up to 9 digits is this app's bound.
 */
export const VERSION_PATTERN = /^\d{1,9}$/;
export const Version = v.pipe(v.string(), v.regex(VERSION_PATTERN, 'A version is a whole number.'));

/**
 * Ids that go into a URL path or a header (attachment ids, reason codes): letters, digits
 * and a few separators, at most 100 characters. The specification shows a UUID or the
 * legacy 'att-70000-70001' form (stu3/pathParameters/AttachmentLogicalID.yaml) and states
 * no pattern or length; this is the app's safe superset of both.
 */
export const ID_TOKEN_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const ID_TOKEN_MAX_LENGTH = 100;
export const AttachmentId = v.pipe(
  v.string(),
  v.maxLength(ID_TOKEN_MAX_LENGTH),
  v.regex(ID_TOKEN_PATTERN, 'An attachment id holds letters, digits, dots, dashes and underscores only.'),
);

// ---------------------------------------------------------------------------------------
// Priorities

/**
 * A referral's or A&G request's priority, least urgent first, as the specification lists
 * the codes of eRS-Priority-1 (stu3/codings/Priority.yaml).
 */
export const PRIORITIES = ['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT'] as const;
export const Priority = v.picklist(PRIORITIES);
export type Priority = v.InferOutput<typeof Priority>;

// ---------------------------------------------------------------------------------------
// Rejecting a referral (A014)

/**
 * The code system A014's rejectionReason is coded in (stu3/eRS-RejectReferral-Parameters.yaml,
 * valueCoding.system `_baseurl_/STU3/CodeSystem/APPOINTMENT-CANCELLATION-REASON`), read
 * with A004 (stu3/CodeSystem.yaml).
 */
export const REJECTION_REASON_CODE_SYSTEM = 'APPOINTMENT-CANCELLATION-REASON';
/**
 * Of that system, the reasons a provider rejects with: concepts whose
 * appointmentBookingCancellationReasonType is PROVIDER_REJECT
 * (stu3/codings/AppointmentBookingCancellationReasonType.yaml).
 */
export const REJECTION_REASON_TYPE = 'PROVIDER_REJECT';
/** A reason code from that list; e-RS states no format, so it is held to the id rule above. */
export const RejectionReasonCode = v.pipe(
  v.string(),
  v.minLength(1, 'Choose a reason for rejecting the referral.'),
  v.maxLength(ID_TOKEN_MAX_LENGTH, 'Choose a reason for rejecting the referral from the list.'),
  v.regex(ID_TOKEN_PATTERN, 'Choose a reason for rejecting the referral from the list.'),
);

// ---------------------------------------------------------------------------------------
// Free text: comments and guidance

/** A014 rejectionComments: "Maximum 2000 characters." (stu3/eRS-RejectReferral-Parameters.yaml). */
export const REJECT_COMMENTS_MAX = 2000;

/**
 * A026 guidance, the A&G reply to the referrer: "Maximum 8000 characters."
 * (stu3/eRS-SendCommunicationToRequester-Request-Parameters.yaml). A027's guidance has the
 * same limit (stu3/eRS-CreateFromCommunicationRequestActionLater-Request-Parameters.yaml),
 * as does a conversation message's text (stu3/eRS-Communication.yaml, note.text).
 */
export const GUIDANCE_MAX = 8000;

/**
 * A028 reviewComments (triage comments): the specification states no maximum
 * (stu3/eRS-RecordReviewOutcome-Parameters.yaml lists the field with no limit;
 * stu3/endpoints/a028-record-triage-outcome.yaml says only that it is mandatory). The
 * limit e-RS states for the same kind of text sent to a referrer, guidance's, is used.
 */
export const TRIAGE_COMMENTS_MAX = GUIDANCE_MAX;

/**
 * A027 reviewComments (for the team that books the new referral): the specification
 * states no maximum (stu3/eRS-CreateFromCommunicationRequestActionLater-Request-Parameters.yaml);
 * guidance's limit is used, as for triage comments.
 */
export const CONVERT_COMMENTS_MAX = GUIDANCE_MAX;

/** 12345 as "12,345", without depending on the ICU data a runtime happens to carry. */
function thousands(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/** "Comments must be 2,000 characters or fewer: remove 12." */
function tooLong(label: string, max: number) {
  return (issue: { input: string }) =>
    `${label} must be ${thousands(max)} characters or fewer: remove ${thousands(issue.input.length - max)}.`;
}

export const RejectComments = v.pipe(v.string(), v.maxLength(REJECT_COMMENTS_MAX, tooLong('Comments', REJECT_COMMENTS_MAX)));
export const TriageComments = v.pipe(v.string(), v.maxLength(TRIAGE_COMMENTS_MAX, tooLong('Comments', TRIAGE_COMMENTS_MAX)));
export const Guidance = v.pipe(
  v.string(),
  v.minLength(1, 'Write the guidance for the referrer.'),
  v.maxLength(GUIDANCE_MAX, tooLong('Guidance', GUIDANCE_MAX)),
);
export const ConvertComments = v.pipe(v.string(), v.maxLength(CONVERT_COMMENTS_MAX, tooLong('Comments', CONVERT_COMMENTS_MAX)));

// ---------------------------------------------------------------------------------------
// Saved texts: a user's own wording, kept with their encrypted data (not an e-RS concept)

/** The fields a saved text is for: rejection comments, triage comments, A&G guidance. */
export const SAVED_TEXT_KINDS = ['reject', 'triage', 'reply'] as const;
export type SavedTextKind = (typeof SAVED_TEXT_KINDS)[number];
/** As long as the longest field it can go into (guidance); a shorter field's own check still applies on sending. */
export const SAVED_TEXT_MAX = GUIDANCE_MAX;
export const SAVED_TEXT_TITLE_MAX = 80;
/** Enough for a working set; more is a list nobody can pick from by keyboard. */
export const SAVED_TEXTS_PER_USER = 100;

export const SavedTextTitle = v.pipe(
  v.string(),
  v.trim(),
  v.minLength(1, 'Give the saved text a name.'),
  v.maxLength(SAVED_TEXT_TITLE_MAX, tooLong('The name', SAVED_TEXT_TITLE_MAX)),
);
export const SavedTextBody = v.pipe(
  v.string(),
  v.check((text) => text.trim().length > 0, 'Write the text to save.'),
  v.maxLength(SAVED_TEXT_MAX, tooLong('A saved text', SAVED_TEXT_MAX)),
);

// ---------------------------------------------------------------------------------------
// Outcomes

/**
 * The outcomes A028 records: "The only outcomes that are supported by this endpoint are
 * 'Return to referrer with advice' and 'Accept and refer/book later'"
 * (stu3/endpoints/a028-record-triage-outcome.yaml, Important notes). The code system has
 * two more (stu3/eRS-RecordReviewOutcome-Parameters.yaml) that A028 does not take.
 */
export const TRIAGE_OUTCOMES = ['RETURN_TO_REFERRER_WITH_ADVICE', 'ACCEPT_REFER_BOOK_LATER'] as const;
export const TriageOutcome = v.picklist(TRIAGE_OUTCOMES);
export type TriageOutcome = v.InferOutput<typeof TriageOutcome>;

/**
 * The guidanceOutcome of an A&G reply (A026). The specification also lists
 * PROVIDER_CONVERTED (stu3/eRS-SendCommunicationToRequester-Request-Parameters.yaml); a
 * conversion is made with A027, so the app never sends it with A026.
 */
export const REPLY_OUTCOMES = ['RETURN_TO_REFERRER_WITH_ADVICE', 'REQUIRE_FURTHER_INFORMATION'] as const;
export const ReplyOutcome = v.picklist(REPLY_OUTCOMES);
export type ReplyOutcome = v.InferOutput<typeof ReplyOutcome>;

/**
 * A026 guidanceIntendedRecommendation, "only available and mandatory when supplying a
 * guidanceOutcome of RETURN_TO_REFERRER_WITH_ADVICE"
 * (stu3/eRS-SendCommunicationToRequester-Request-Parameters.yaml).
 */
export const INTENDED_RECOMMENDATIONS = [
  'ADVICE_ONLY_NO_REFERRAL_RECOMMENDED',
  'ADVICE_FOLLOWED_BY_REFERRAL_IF_REQUIRED',
  'REFERRAL_RECOMMENDED',
  'OTHER',
] as const;
export const IntendedRecommendation = v.picklist(INTENDED_RECOMMENDATIONS);
export type IntendedRecommendation = v.InferOutput<typeof IntendedRecommendation>;

// ---------------------------------------------------------------------------------------
// Uploads (A020)

/**
 * The largest file e-RS takes: "Currently, the maximum file size supported by e-RS is 5MB."
 * (stu3/endpoints/a020-upload-file-to-document-store.yaml); 5MB is 5242880 bytes
 * (stu3/endpoints/a006-retrieve-attachment.yaml, "5MB (5242880 bytes)").
 */
export const UPLOAD_MAX_BYTES = 5 * 1024 * 1024;

/**
 * The file types e-RS takes, each with the extensions it accepts for it: the table of
 * supported file formats and the request body's content types in
 * stu3/endpoints/a020-upload-file-to-document-store.yaml.
 */
export const UPLOAD_TYPES: Readonly<Record<string, readonly string[]>> = {
  'text/plain': ['txt'],
  'application/pdf': ['pdf'],
  'text/xml': ['xml'],
  'text/rtf': ['rtf', 'rtx'],
  'audio/basic': ['au'],
  'audio/mpeg': ['mp3'],
  'image/png': ['png'],
  'image/gif': ['gif'],
  'image/jpeg': ['jpg', 'jpe', 'jpeg'],
  'image/tiff': ['tif', 'tiff'],
  'video/mpeg': ['mpg', 'mpeg', 'mpe'],
  'application/msword': ['doc'],
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': ['docx'],
  'application/dicom': ['dcm'],
};

/**
 * A file name that can travel in the NHSD-eRS-File-Name header: printable ASCII only and
 * nothing that could end the header, at most 200 characters. The specification asks only
 * for "the name of file being uploaded, including the extension"
 * (stu3/headers/request/ErsFileName.yaml); this is the app's rule.
 */
export const UPLOAD_FILE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,199}$/;

/** The content type e-RS expects for a file name's extension, or null when it takes none. */
export function uploadTypeOf(fileName: string): string | null {
  const extension = /\.([A-Za-z0-9]{1,5})$/.exec(fileName)?.[1]?.toLowerCase() ?? '';
  for (const [contentType, extensions] of Object.entries(UPLOAD_TYPES)) if (extensions.includes(extension)) return contentType;
  return null;
}

/** A file sent with a decision, before A020 uploads it. */
export const UploadFile = v.strictObject({
  fileName: v.pipe(
    v.string(),
    v.regex(
      UPLOAD_FILE_NAME_PATTERN,
      'Rename the file using only letters, digits, spaces, dots, dashes, underscores and brackets, then try again.',
    ),
  ),
  contentType: v.pipe(v.string(), v.maxLength(200)),
  bytes: v.pipe(
    v.custom<Uint8Array>((b) => b instanceof Uint8Array, 'Expected the bytes of a file.'),
    v.check((b) => b.byteLength > 0, 'The file is empty.'),
    v.check((b) => b.byteLength <= UPLOAD_MAX_BYTES, 'e-RS accepts files of up to 5 MB.'),
  ),
});

// ---------------------------------------------------------------------------------------
// The app's own vocabulary

/** The app's three worklists (referrals for review, triage, A&G). */
export const WorklistKind = v.picklist(['referrals', 'triage', 'advice']);
export type WorklistKind = v.InferOutput<typeof WorklistKind>;
