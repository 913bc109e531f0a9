import { HandoffFailure } from '../delivery-target.strategy';

/** Limits of every call to FIT-Connect. */
export interface HttpLimits {
  /** How long one call may take, answer included. */
  timeoutMs: number;
  /** How many bytes an answer may have; a longer one is cut off and refused. */
  maxAnswerBytes: number;
}

/** One call: what to send and what it is for (the purpose goes into every failure's message). */
export interface HttpCall {
  purpose: string;
  method: 'GET' | 'POST' | 'PUT';
  url: string;
  headers?: Record<string, string>;
  body?: string;
}

/** A failed call that got an answer: the status is kept, so that a caller can tell a 401. */
export class HttpStatusFailure extends HandoffFailure {
  constructor(
    message: string,
    permanent: boolean,
    readonly status: number,
  ) {
    super(message, permanent);
  }
}

/** A 2xx answer, read whole. */
export interface HttpAnswer {
  status: number;
  contentType: string;
  text: string;
}

/**
 * Statuses that a retry cannot change: the request itself is wrong (400, 405, 413, 415, 422), the
 * thing asked for is not there (404, 410), or the client may not do it (403). 401 is permanent only
 * at the token end point (wrong client credentials); elsewhere it means an expired token.
 */
const PERMANENT = new Set([400, 403, 404, 405, 410, 413, 415, 422]);

/**
 * Sends one call: with a time limit, without following redirects, reading at most
 * `maxAnswerBytes`; anything but a whole 2xx answer becomes a {@link HandoffFailure}.
 */
export async function httpCall(call: HttpCall, limits: HttpLimits): Promise<HttpAnswer> {
  const what = `FIT-Connect ${call.purpose} (${call.method} ${redact(call.url)})`;
  let response: Response;
  try {
    response = await fetch(call.url, {
      method: call.method,
      headers: call.headers,
      body: call.body,
      // A redirect would carry the token or the encrypted application to a host nobody configured.
      redirect: 'manual',
      signal: AbortSignal.timeout(limits.timeoutMs),
    });
  } catch (error) {
    throw new HandoffFailure(`${what}: ${reason(error)}`);
  }
  if (response.status >= 300 && response.status < 400) {
    await response.body?.cancel().catch(() => undefined);
    const location = response.headers.get('location');
    throw new HandoffFailure(
      `${what}: answered with a redirect (${response.status}${location ? ` to ${redact(location)}` : ''}); redirects are refused`,
      true,
    );
  }
  const text = await readCapped(response, limits.maxAnswerBytes, what);
  const contentType = (response.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
  if (response.status < 200 || response.status > 299) {
    const permanent = PERMANENT.has(response.status) || (call.purpose === 'token' && response.status === 401);
    throw new HttpStatusFailure(`${what}: answered ${response.status}${problemText(text)}`, permanent, response.status);
  }
  return { status: response.status, contentType, text };
}

/** Parses a JSON answer; anything that is not a JSON object is a (transient) failure. */
export function jsonObject(answer: HttpAnswer, purpose: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(answer.text);
  } catch {
    throw new HandoffFailure(`FIT-Connect ${purpose}: the answer is not JSON`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new HandoffFailure(`FIT-Connect ${purpose}: the answer is not a JSON object`);
  }
  return value as Record<string, unknown>;
}

/** Reads the body through its reader (every error arrives as a rejected read), stopping at the cap. */
async function readCapped(response: Response, maxBytes: number, what: string): Promise<string> {
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new HandoffFailure(`${what}: the answer has ${declared} bytes, more than the ${maxBytes} allowed`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => undefined);
        throw new HandoffFailure(`${what}: the answer is longer than the ${maxBytes} bytes allowed`);
      }
      chunks.push(value);
    }
  } catch (error) {
    if (error instanceof HandoffFailure) throw error;
    throw new HandoffFailure(`${what}: ${reason(error)} while reading the answer`);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** The title and detail of an RFC 7807 problem (as the Submission API answers), or the OAuth error. */
function problemText(text: string): string {
  try {
    const body = JSON.parse(text) as Record<string, unknown>;
    const parts = [body.title, body.detail, body.error, body.error_description].filter(
      (part): part is string => typeof part === 'string' && part.length > 0,
    );
    return parts.length ? `: ${parts.join(' – ').slice(0, 300)}` : '';
  } catch {
    return '';
  }
}

function reason(error: unknown): string {
  const name = (error as Error)?.name;
  if (name === 'TimeoutError' || name === 'AbortError') return 'no answer within the time limit';
  const cause = (error as { cause?: { code?: string } })?.cause?.code;
  return cause ? `not reached (${cause})` : 'not reached';
}

/** A URL without query and credentials, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return 'an invalid URL';
  }
}
