import { KeyObject, createHash, createPublicKey, randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import type * as Jose from 'jose';
import { HandoffFailure } from '../delivery-target.strategy';
import { PublishedKey, checkKeyCertificateChain } from './certificate-chain';
import { HttpAnswer, HttpCall, HttpLimits, HttpStatusFailure, httpCall, jsonObject } from './fit-connect.http';
import type { OutgoingAttachment, SubmissionMetadata } from './fit-connect.metadata';
import type { FitConnectTarget } from './fit-connect.target';

/** Settings of {@link FitConnectClient}. */
export interface FitConnectClientOptions extends HttpLimits {
  /** How long before its expiry a token is no longer used. */
  tokenMarginMs: number;
  /** The smallest RSA modulus accepted for a destination's keys (FIT-Connect asks for 4096). */
  minKeyBits: number;
  /** The clock (certificate validity, token expiry). */
  now: () => Date;
}

/** Injection token of partial {@link FitConnectClientOptions}. */
export const FIT_CONNECT_OPTIONS = Symbol('FIT_CONNECT_OPTIONS');

const DEFAULTS: FitConnectClientOptions = {
  timeoutMs: 30_000,
  maxAnswerBytes: 1024 * 1024,
  tokenMarginMs: 60_000,
  minKeyBits: 4096,
  now: () => new Date(),
};

/** A submission ready to go: data and metadata in the clear, attachments with their ids. */
export interface OutgoingSubmission {
  serviceType: { identifier: string; name: string };
  data: Buffer;
  metadata: SubmissionMetadata;
  attachments: OutgoingAttachment[];
}

/** What the Submission API gave back for a sent submission. */
export interface SentSubmission {
  destinationId: string;
  submissionId: string;
  caseId: string;
}

/** A problem the receiving system named when it rejected a submission. */
export interface SubmissionProblem {
  type?: string;
  title?: string;
  detail?: string;
  instance?: string;
}

/** One verified entry of a case's event log. */
export interface CaseEvent {
  /** The event's URI, e.g. `https://schema.fitko.de/fit-connect/events/accept-submission`. */
  event: string;
  issuer: string;
  issuedAt: Date;
  submissionId?: string;
  problems: SubmissionProblem[];
}

/** Where a submission stands, after the verified event log of its case. */
export interface CaseStatus {
  status: 'pending' | 'accepted' | 'rejected';
  problems: SubmissionProblem[];
  events: CaseEvent[];
}

const EVENTS = 'https://schema.fitko.de/fit-connect/events/';
const ACCEPT = `${EVENTS}accept-submission`;
const REJECT = `${EVENTS}reject-submission`;

/** jose is ECMAScript-only: loaded through a real `import()`, which TypeScript would turn into `require`. */
function loadJose(): Promise<typeof Jose> {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const load = new Function('specifier', `return import(specifier); // ${randomUUID()}`) as (
    specifier: string,
  ) => Promise<typeof Jose>;
  return load('jose');
}

/**
 * A sender's client of the FIT-Connect Submission API (v1): gets a token by client credentials,
 * looks up the destination and its encryption key, refuses a key whose certificate chain does not
 * lead to the trusted CA, encrypts data, metadata and attachments as compact JWE (RSA-OAEP-256,
 * A256GCM) for that key, announces, uploads and submits; and reads a case's event log, verifying
 * every Security Event Token. Every failure is a {@link HandoffFailure}.
 */
@Injectable()
export class FitConnectClient {
  private readonly options: FitConnectClientOptions;
  private readonly tokens = new Map<string, { token: string; expiresAt: number }>();

  constructor(@Optional() @Inject(FIT_CONNECT_OPTIONS) options?: Partial<FitConnectClientOptions>) {
    this.options = { ...DEFAULTS, ...options };
  }

  /** Sends `submission` to the target's destination; resolves once the Submission API took it. */
  async submit(target: FitConnectTarget, submission: OutgoingSubmission): Promise<SentSubmission> {
    const jose = await loadJose();
    const destination = await this.destination(target);
    const keyJwk = await this.publishedKey(target, target.destinationId, destination.encryptionKid, 'wrapKey');
    if (keyJwk.alg !== undefined && keyJwk.alg !== 'RSA-OAEP-256') {
      throw new HandoffFailure(
        `FIT-Connect: the destination key is for ${JSON.stringify(keyJwk.alg)}, not RSA-OAEP-256`,
        true,
      );
    }
    const key = createPublicKey({ key: { kty: 'RSA', n: keyJwk.n as string, e: keyJwk.e as string }, format: 'jwk' });
    const encrypt = (bytes: Buffer, contentType: string): Promise<string> =>
      new jose.CompactEncrypt(bytes)
        .setProtectedHeader({ alg: 'RSA-OAEP-256', enc: 'A256GCM', kid: destination.encryptionKid, cty: contentType })
        .encrypt(key);

    const announced = jsonObject(
      await this.api(target, {
        purpose: 'announce submission',
        method: 'POST',
        url: this.url(target, '/v1/submissions'),
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          destinationId: target.destinationId,
          announcedAttachments: submission.attachments.map((a) => a.attachmentId),
          serviceType: submission.serviceType,
        }),
      }),
      'announce submission',
    );
    const submissionId = stringField(announced, 'submissionId', 'announce submission');
    const caseId = stringField(announced, 'caseId', 'announce submission');

    for (const attachment of submission.attachments) {
      await this.api(target, {
        purpose: `upload attachment ${attachment.attachmentId}`,
        method: 'PUT',
        url: this.url(target, `/v1/submissions/${enc(submissionId)}/attachments/${enc(attachment.attachmentId)}`),
        headers: { 'content-type': 'application/jose' },
        body: await encrypt(attachment.content, attachment.mimeType),
      });
    }
    await this.api(target, {
      purpose: 'submit',
      method: 'PUT',
      url: this.url(target, `/v1/submissions/${enc(submissionId)}`),
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        encryptedMetadata: await encrypt(Buffer.from(JSON.stringify(submission.metadata), 'utf8'), 'application/json'),
        encryptedData: await encrypt(submission.data, 'application/json'),
      }),
    });
    return { destinationId: target.destinationId, submissionId, caseId };
  }

  /**
   * The case's event log, every Security Event Token verified: the destination's events (accept,
   * reject) with the signing key the destination publishes, whose certificate chain must lead to
   * the trusted CA; the Submission API's own events with the keys at its `/.well-known/jwks.json`.
   */
  async events(target: FitConnectTarget, caseId: string): Promise<CaseStatus> {
    const jose = await loadJose();
    const answer = jsonObject(
      await this.api(target, {
        purpose: 'read event log',
        method: 'GET',
        url: this.url(target, `/v1/cases/${enc(caseId)}/events`),
      }),
      'read event log',
    );
    if (!Array.isArray(answer.eventLog))
      throw new HandoffFailure('FIT-Connect read event log: no eventLog in the answer');
    const keys = new Map<string, KeyObject>();
    const events: CaseEvent[] = [];
    for (const token of answer.eventLog) {
      if (typeof token !== 'string') throw new HandoffFailure('FIT-Connect read event log: an entry is not a token');
      events.push(await this.verifyEvent(jose, target, caseId, token, keys));
    }
    const decisions = events.filter((e) => e.event === ACCEPT || e.event === REJECT);
    const last = decisions.sort((a, b) => a.issuedAt.getTime() - b.issuedAt.getTime()).at(-1);
    return {
      status: !last ? 'pending' : last.event === ACCEPT ? 'accepted' : 'rejected',
      problems: last?.problems ?? [],
      events,
    };
  }

  private async verifyEvent(
    jose: typeof Jose,
    target: FitConnectTarget,
    caseId: string,
    token: string,
    keys: Map<string, KeyObject>,
  ): Promise<CaseEvent> {
    const refuse = (why: string): never => {
      throw new HandoffFailure(`FIT-Connect event log of case ${caseId}: ${why}`);
    };
    let header: Jose.ProtectedHeaderParameters;
    let claims: Jose.JWTPayload;
    try {
      header = jose.decodeProtectedHeader(token);
      claims = jose.decodeJwt(token);
    } catch {
      return refuse('an entry is not a JWT');
    }
    if (header.typ !== 'secevent+jwt' || header.alg !== 'PS512' || typeof header.kid !== 'string') {
      refuse('an entry is not a Security Event Token signed with PS512 (typ, alg, kid)');
    }
    const issuer = typeof claims.iss === 'string' ? claims.iss : refuse('an entry has no issuer');
    const kid = header.kid!;
    const cacheKey = `${issuer} ${kid}`;
    let key = keys.get(cacheKey);
    if (!key) {
      key =
        issuer === target.destinationId
          ? await this.destinationSigningKey(target, kid)
          : await this.serviceKey(target, issuer, kid);
      keys.set(cacheKey, key);
    }
    try {
      await jose.jwtVerify(token, key, { algorithms: ['PS512'], typ: 'secevent+jwt', issuer });
    } catch {
      refuse(`the signature of an event by ${issuer} does not verify`);
    }
    if (claims.txn !== `case:${caseId}`) refuse('an entry belongs to another case');
    const events = claims.events;
    if (typeof events !== 'object' || events === null || Object.keys(events).length !== 1) {
      refuse('an entry does not hold exactly one event');
    }
    const [event, payload] = Object.entries(events as Record<string, unknown>)[0];
    if ((event === ACCEPT || event === REJECT) && issuer !== target.destinationId) {
      refuse(`a decision on the submission was issued by ${issuer}, not by the destination`);
    }
    const problems = (payload as { problems?: unknown } | null)?.problems;
    return {
      event,
      issuer,
      issuedAt: new Date((typeof claims.iat === 'number' ? claims.iat : 0) * 1000),
      submissionId: typeof claims.sub === 'string' ? claims.sub.replace(/^submission:/, '') : undefined,
      problems: Array.isArray(problems) ? problems.filter(isProblem) : [],
    };
  }

  /** The destination's signing key (for its events), with its certificate chain checked. */
  private async destinationSigningKey(target: FitConnectTarget, kid: string): Promise<KeyObject> {
    const jwk = await this.publishedKey(target, target.destinationId, kid, 'verify', 'the destination signing key');
    return createPublicKey({ key: { kty: 'RSA', n: jwk.n as string, e: jwk.e as string }, format: 'jwk' });
  }

  /** A key of the Submission API itself, from its JWKS (reached over the configured URL only). */
  private async serviceKey(target: FitConnectTarget, issuer: string, kid: string): Promise<KeyObject> {
    const purpose = 'read the service keys';
    const jwks = jsonObject(
      await httpCall({ purpose, method: 'GET', url: this.url(target, '/.well-known/jwks.json') }, this.options),
      purpose,
    );
    const found = Array.isArray(jwks.keys)
      ? (jwks.keys as Record<string, unknown>[]).find((k) => typeof k === 'object' && k !== null && k.kid === kid)
      : undefined;
    if (!found || found.kty !== 'RSA' || typeof found.n !== 'string' || typeof found.e !== 'string') {
      throw new HandoffFailure(
        `FIT-Connect event log: ${issuer} signed with key ${kid}, which the Submission API does not publish`,
      );
    }
    return createPublicKey({ key: { kty: 'RSA', n: found.n, e: found.e }, format: 'jwk' });
  }

  private async destination(target: FitConnectTarget): Promise<{ encryptionKid: string }> {
    const purpose = 'look up destination';
    const destination = jsonObject(
      await this.api(target, {
        purpose,
        method: 'GET',
        url: this.url(target, `/v1/destinations/${enc(target.destinationId)}`),
      }),
      purpose,
    );
    if (destination.status !== undefined && destination.status !== 'active') {
      throw new HandoffFailure(
        `FIT-Connect: destination ${target.destinationId} is ${JSON.stringify(destination.status)}, not active`,
        true,
      );
    }
    return { encryptionKid: stringField(destination, 'encryptionKid', purpose) };
  }

  /** A key the destination publishes, refused unless it is RSA, long enough, for `use`, and certified. */
  private async publishedKey(
    target: FitConnectTarget,
    destinationId: string,
    kid: string,
    operation: 'wrapKey' | 'verify',
    label = 'the destination key',
  ): Promise<PublishedKey> {
    const purpose = `read key ${kid}`;
    const jwk = jsonObject(
      await this.api(target, {
        purpose,
        method: 'GET',
        url: this.url(target, `/v1/destinations/${enc(destinationId)}/keys/${enc(kid)}`),
      }),
      purpose,
    ) as PublishedKey;
    if (jwk.kid !== undefined && jwk.kid !== kid)
      throw new HandoffFailure(`FIT-Connect ${purpose}: the answer is key ${JSON.stringify(jwk.kid)}`);
    if (!Array.isArray(jwk.key_ops) || !jwk.key_ops.includes(operation)) {
      throw new HandoffFailure(`FIT-Connect: ${label} (${kid}) is not for ${operation} (key_ops)`, true);
    }
    checkKeyCertificateChain(jwk, target.trustedCaPem, this.options.now(), label);
    const bits = Buffer.from(String(jwk.n), 'base64url').length * 8;
    if (bits < this.options.minKeyBits) {
      throw new HandoffFailure(
        `FIT-Connect: ${label} (${kid}) has ${bits} bits, fewer than ${this.options.minKeyBits}`,
        true,
      );
    }
    return jwk;
  }

  /** A call with the bearer token; one 401 drops the token and tries once more with a new one. */
  private async api(target: FitConnectTarget, call: HttpCall): Promise<HttpAnswer> {
    const send = async (): Promise<HttpAnswer> =>
      httpCall(
        {
          ...call,
          headers: { ...call.headers, accept: 'application/json', authorization: `Bearer ${await this.token(target)}` },
        },
        this.options,
      );
    try {
      return await send();
    } catch (error) {
      if (!(error instanceof HttpStatusFailure) || error.status !== 401 || error.permanent) throw error;
      this.tokens.delete(this.tokenKey(target));
      return send();
    }
  }

  /** The access token, from the cache until shortly before it expires. */
  private async token(target: FitConnectTarget): Promise<string> {
    const key = this.tokenKey(target);
    const cached = this.tokens.get(key);
    const now = this.options.now().getTime();
    if (cached && cached.expiresAt - this.options.tokenMarginMs > now) return cached.token;
    const answer = jsonObject(
      await httpCall(
        {
          purpose: 'token',
          method: 'POST',
          url: target.tokenUrl,
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
          body: new URLSearchParams({
            grant_type: 'client_credentials',
            client_id: target.clientId,
            client_secret: target.clientSecret,
          }).toString(),
        },
        this.options,
      ),
      'token',
    );
    const token = stringField(answer, 'access_token', 'token');
    if (typeof answer.token_type === 'string' && answer.token_type.toLowerCase() !== 'bearer') {
      throw new HandoffFailure(`FIT-Connect token: a ${answer.token_type} token, not a bearer token`);
    }
    const lifetime = typeof answer.expires_in === 'number' && answer.expires_in > 0 ? answer.expires_in : 300;
    this.tokens.set(key, { token, expiresAt: now + lifetime * 1000 });
    return token;
  }

  private tokenKey(target: FitConnectTarget): string {
    return createHash('sha256')
      .update(JSON.stringify([target.tokenUrl, target.clientId, target.clientSecret]))
      .digest('hex');
  }

  private url(target: FitConnectTarget, path: string): string {
    return `${target.submissionUrl.replace(/\/+$/, '')}${path}`;
  }
}

function stringField(object: Record<string, unknown>, name: string, purpose: string): string {
  const value = object[name];
  if (typeof value !== 'string' || !value || value.length > 200) {
    throw new HandoffFailure(`FIT-Connect ${purpose}: no ${name} in the answer`);
  }
  return value;
}

function isProblem(value: unknown): value is SubmissionProblem {
  return typeof value === 'object' && value !== null;
}

const enc = encodeURIComponent;
