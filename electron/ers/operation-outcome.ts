/**
 * Reads the OperationOutcome e-RS sends with an error (STU3 eRS-OperationOutcome-1 or
 * R4 NHSDigital-OperationOutcome). An error body that is not one (APIM's plain "Not
 * Found", an HTML page from a proxy) is not itself an error: the status still speaks.
 */
import type { OutcomeDetail } from './ers-error';

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.length > 0 ? value : null;
}

export function readOperationOutcome(body: unknown): OutcomeDetail | null {
  const outcome = record(body);
  if (!outcome || outcome.resourceType !== 'OperationOutcome' || !Array.isArray(outcome.issue)) return null;
  // e-RS puts the deciding problem first; the rest repeat or elaborate it.
  const issue =
    outcome.issue.map(record).find((item) => item !== null && item.severity !== 'warning' && item.severity !== 'information') ??
    record(outcome.issue[0]);
  if (!issue) return null;
  const details = record(issue.details);
  const codings = Array.isArray(details?.coding) ? details.coding : [];
  const coding = codings.map(record).find((item) => item !== null && text(item.code) !== null) ?? null;
  return {
    ersCode: coding ? text(coding.code) : null,
    issueCode: text(issue.code),
    diagnostics: text(issue.diagnostics),
  };
}
