/**
 * The NHS API platform's (APIM's) limit on an answer's size. e-RS's specification says of
 * A008 and A023: "If a worklist response exceeds 10MB, a successful response will not be
 * returned. This is due to the size limitation on the APIM platform." It names no status
 * or error code for it. APIM runs on Apigee, whose documented answer to a backend response
 * over its 10 MB buffer is 502 Bad Gateway with the fault `protocol.http.TooBigBody`
 * ("Body buffer overflow"), not an OperationOutcome: that is what is emulated here.
 */
import { jsonReply, type Reply } from './http-io';

/** 10 MB, as Apigee counts its buffer. */
export const PLATFORM_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export const TOO_BIG_BODY_FAULT = 'protocol.http.TooBigBody';

/** Apigee's own fault body: JSON, but not FHIR. */
export function tooBigBodyReply(): Reply {
  const reply = jsonReply(502, { fault: { faultstring: 'Body buffer overflow', detail: { errorcode: TOO_BIG_BODY_FAULT } } });
  reply.headers['Content-Type'] = 'application/json';
  return reply;
}

/** The answer as the platform passes it on: whole, or refused when its body is over the limit. */
export function throughPlatform(reply: Reply, maxBytes: number): Reply {
  if (reply.status >= 200 && reply.status < 300 && reply.body !== undefined && reply.body.byteLength > maxBytes) return tooBigBodyReply();
  return reply;
}
