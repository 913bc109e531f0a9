import 'reflect-metadata';
import { KeyObject, createHash, createPrivateKey, randomBytes, randomUUID, webcrypto } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { IncomingMessage, ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import * as x509 from '@peculiar/x509';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type * as Jose from 'jose';
import { importEsm } from '@openrathaus/core';
import type { FitConnectTarget, SubmissionProblem } from '@openrathaus/delivery';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

/** The metadata schema the stand-in validates against (vendored, see the fixture's README). */
const METADATA_SCHEMA = JSON.parse(
  readFileSync(join(__dirname, 'fixtures', 'fit-connect', 'metadata-1.0.0.schema.json'), 'utf8'),
) as object;

const EVENTS = 'https://schema.fitko.de/fit-connect/events/';
const PROBLEMS = 'https://schema.fitko.de/fit-connect/events/problems/';
const SET_SCHEMA = 'https://schema.fitko.de/fit-connect/events/1.0.0/set-payload.schema.json';

/** One attachment as the destination decrypted it. */
export interface ReceivedAttachment {
  content: Buffer;
  /** The JWE's protected header. */
  header: Record<string, unknown>;
}

/** A submission as the stand-in (playing the destination's receiving system) decrypted it. */
export interface ReceivedSubmission {
  submissionId: string;
  caseId: string;
  destinationId: string;
  serviceType: unknown;
  announcedAttachments: string[];
  metadata?: Record<string, unknown>;
  metadataHeader?: Record<string, unknown>;
  data?: Buffer;
  dataHeader?: Record<string, unknown>;
  attachments: Map<string, ReceivedAttachment>;
  /** Why the destination rejected it; empty when it accepted. */
  problems: SubmissionProblem[];
  accepted: boolean;
}

/** Which certificate chain the destination's encryption key is served with. */
export type KeyVariant = 'trusted' | 'untrusted' | 'expired';

/** An answer the stand-in gives instead of the real one, to the next calls whose path matches. */
export interface Interference {
  count: number;
  path?: RegExp;
  status?: number;
  redirect?: boolean;
  oversizeBytes?: number;
}

/** A local FIT-Connect: token end point, Submission API, destination with its keys, event log. */
export interface FitConnectStandIn {
  submissionUrl: string;
  tokenUrl: string;
  clientId: string;
  clientSecret: string;
  destinationId: string;
  /** The root CA of the stand-in's PKI: the destination's keys chain up to it. */
  trustedCaPem: string;
  /** A target that reaches this stand-in with the right credentials. */
  target(overrides?: Partial<FitConnectTarget>): FitConnectTarget;
  /** What arrived, in order. */
  received: ReceivedSubmission[];
  /** How many tokens were handed out. */
  tokensIssued: number;
  /** Every request's method and path, in order. */
  requests: string[];
  /** The next submission's decision: `null` accepts (when it passes the checks), problems reject. */
  rejectNext(problems?: SubmissionProblem[]): void;
  /** The next decision event is signed with a key the destination does not publish. */
  forgeNextDecision(): void;
  /** The next `count` calls (to `path`, when given) answer `status` (503 unless told). */
  failNext(count: number, status?: number, path?: RegExp): void;
  /** The next call (to `path`) answers with a redirect to another host. */
  redirectNext(path?: RegExp): void;
  /** The next call (to `path`) answers with `bytes` bytes of JSON-looking text. */
  oversizeNext(bytes: number, path?: RegExp): void;
  /** Serves the destination's encryption key with another certificate chain. */
  serveKey(variant: KeyVariant): void;
  stop(): Promise<void>;
}

interface Pki {
  rootPem: string;
  encKid: string;
  sigKid: string;
  encJwk: Record<KeyVariant, Record<string, unknown>>;
  encPrivate: KeyObject;
  sigJwk: Record<string, unknown>;
  sigPrivate: KeyObject;
  serviceKid: string;
  serviceJwk: Record<string, unknown>;
  servicePrivate: KeyObject;
}

const DAY = 24 * 60 * 60 * 1000;
const SIGNING = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

async function rsaKeys(
  name: 'RSASSA-PKCS1-v1_5' | 'RSA-OAEP' | 'RSA-PSS',
  bits: number,
  hash = 'SHA-256',
): Promise<CryptoKeyPair> {
  const usages: KeyUsage[] = name === 'RSA-OAEP' ? ['encrypt', 'decrypt'] : ['sign', 'verify'];
  return await webcrypto.subtle.generateKey(
    { name, modulusLength: bits, publicExponent: new Uint8Array([1, 0, 1]), hash },
    true,
    usages,
  );
}

async function toKeyObject(key: CryptoKey): Promise<KeyObject> {
  const jwk = await webcrypto.subtle.exportKey('jwk', key);
  return createPrivateKey({ key: jwk as never, format: 'jwk' });
}

async function publicJwk(key: CryptoKey): Promise<{ kty: string; n: string; e: string }> {
  const { kty, n, e } = (await webcrypto.subtle.exportKey('jwk', key)) as { kty: string; n: string; e: string };
  return { kty, n, e };
}

/** A CA certificate (self-signed when no issuer is given). */
async function caCertificate(
  name: string,
  keys: CryptoKeyPair,
  issuer?: { cert: x509.X509Certificate; keys: CryptoKeyPair },
): Promise<x509.X509Certificate> {
  const extensions = [
    new x509.BasicConstraintsExtension(true, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    await x509.AuthorityKeyIdentifierExtension.create(issuer ? issuer.keys.publicKey : keys.publicKey),
  ];
  return x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString('hex'),
    subject: name,
    issuer: issuer ? issuer.cert.subject : name,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 3650 * DAY),
    signingAlgorithm: SIGNING,
    publicKey: keys.publicKey,
    signingKey: issuer ? issuer.keys.privateKey : keys.privateKey,
    extensions,
  });
}

/** A certificate for `publicKey`, issued by `issuer`. */
async function leafCertificate(
  name: string,
  publicKey: CryptoKey,
  usage: x509.KeyUsageFlags,
  issuer: { cert: x509.X509Certificate; keys: CryptoKeyPair },
  notBefore: Date,
  notAfter: Date,
): Promise<x509.X509Certificate> {
  return x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString('hex'),
    subject: name,
    issuer: issuer.cert.subject,
    notBefore,
    notAfter,
    signingAlgorithm: SIGNING,
    publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(usage, true),
      await x509.SubjectKeyIdentifierExtension.create(publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
    ],
  });
}

const der = (cert: x509.X509Certificate): string => Buffer.from(cert.rawData).toString('base64');

/**
 * The stand-in's PKI: a root CA (the trusted one), an intermediate CA under it, the destination's
 * encryption key (RSA 4096, RSA-OAEP-256) and signing key (RSA 4096, PS512) with certificates from
 * the intermediate; besides, the same encryption key certified by an untrusted root, and by the
 * intermediate but expired. The Submission API's own signing key is published without certificate.
 */
async function createPki(): Promise<Pki> {
  const [rootKeys, intermediateKeys, otherRootKeys, encKeys, sigKeys, serviceKeys] = await Promise.all([
    rsaKeys('RSASSA-PKCS1-v1_5', 2048),
    rsaKeys('RSASSA-PKCS1-v1_5', 2048),
    rsaKeys('RSASSA-PKCS1-v1_5', 2048),
    rsaKeys('RSA-OAEP', 4096),
    rsaKeys('RSA-PSS', 4096, 'SHA-512'),
    rsaKeys('RSA-PSS', 2048, 'SHA-512'),
  ]);
  const root = await caCertificate('CN=Test-Wurzel-CA, O=FIT-Connect stand-in, C=DE', rootKeys);
  const intermediate = await caCertificate('CN=Test-Verwaltungs-CA, O=FIT-Connect stand-in, C=DE', intermediateKeys, {
    cert: root,
    keys: rootKeys,
  });
  const otherRoot = await caCertificate('CN=Fremde Wurzel-CA, O=Somebody else, C=DE', otherRootKeys);
  const now = Date.now();
  const enc = x509.KeyUsageFlags.keyEncipherment;
  const issuer = { cert: intermediate, keys: intermediateKeys };
  const encSubject = 'CN=Zustellpunkt Verschluesselung, O=Stadt Musterstadt, C=DE';
  const [encCert, encUntrusted, encExpired, sigCert] = await Promise.all([
    leafCertificate(encSubject, encKeys.publicKey, enc, issuer, new Date(now - DAY), new Date(now + 365 * DAY)),
    leafCertificate(
      encSubject,
      encKeys.publicKey,
      enc,
      { cert: otherRoot, keys: otherRootKeys },
      new Date(now - DAY),
      new Date(now + 365 * DAY),
    ),
    leafCertificate(encSubject, encKeys.publicKey, enc, issuer, new Date(now - 730 * DAY), new Date(now - DAY)),
    leafCertificate(
      'CN=Zustellpunkt Signatur, O=Stadt Musterstadt, C=DE',
      sigKeys.publicKey,
      x509.KeyUsageFlags.digitalSignature,
      issuer,
      new Date(now - DAY),
      new Date(now + 365 * DAY),
    ),
  ]);
  const encKid = `enc-${randomUUID()}`;
  const sigKid = `sig-${randomUUID()}`;
  const serviceKid = `service-${randomUUID()}`;
  const encPublic = { ...(await publicJwk(encKeys.publicKey)), kid: encKid, alg: 'RSA-OAEP-256', key_ops: ['wrapKey'] };
  return {
    rootPem: root.toString('pem'),
    encKid,
    sigKid,
    encJwk: {
      trusted: { ...encPublic, x5c: [der(encCert), der(intermediate)] },
      untrusted: { ...encPublic, x5c: [der(encUntrusted), der(otherRoot)] },
      expired: { ...encPublic, x5c: [der(encExpired), der(intermediate)] },
    },
    encPrivate: await toKeyObject(encKeys.privateKey),
    sigJwk: {
      ...(await publicJwk(sigKeys.publicKey)),
      kid: sigKid,
      alg: 'PS512',
      key_ops: ['verify'],
      x5c: [der(sigCert), der(intermediate)],
    },
    sigPrivate: await toKeyObject(sigKeys.privateKey),
    serviceKid,
    serviceJwk: { ...(await publicJwk(serviceKeys.publicKey)), kid: serviceKid, alg: 'PS512', use: 'sig' },
    servicePrivate: await toKeyObject(serviceKeys.privateKey),
  };
}

/** Reads a request body of at most `max` bytes; `undefined` when it is longer. */
function readBody(req: IncomingMessage, max = 32 * 1024 * 1024): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= max) chunks.push(chunk);
    });
    req.on('end', () => resolve(size > max ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body?: unknown, type = 'application/json'): void {
  const text = body === undefined ? '' : JSON.stringify(body);
  res.writeHead(status, body === undefined ? {} : { 'content-type': type, 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function problem(res: ServerResponse, status: number, name: string, detail: string): void {
  send(
    res,
    status,
    { type: `https://schema.fitko.de/fit-connect/submission-api/problems/${name}`, title: name, status, detail },
    'application/problem+json',
  );
}

const hex512 = (bytes: Buffer): string => createHash('sha512').update(bytes).digest('hex');

/** Starts the stand-in on 127.0.0.1 at a free port. */
export async function startFitConnectStandIn(options: { leikaId?: string } = {}): Promise<FitConnectStandIn> {
  const jose = await importEsm<typeof Jose>('jose');
  const pki = await createPki();
  const ajv = new Ajv2020({ allErrors: true });
  addFormats(ajv);
  const validateMetadata = ajv.compile(METADATA_SCHEMA);

  const clientId = `sender-${randomUUID()}`;
  const clientSecret = randomBytes(24).toString('base64url');
  const destinationId = randomUUID();
  // The one service the destination offers (the Hundesteuer's LeiKa key unless the test names another).
  const leikaIdentifier = `urn:de:fim:leika:leistung:${options.leikaId ?? '99050012104000'}`;
  const tokens = new Map<string, number>();
  const submissions = new Map<string, ReceivedSubmission>();
  const eventLogs = new Map<string, string[]>();
  const interferences: Interference[] = [];
  let keyVariant: KeyVariant = 'trusted';
  let nextRejection: SubmissionProblem[] | null = null;
  let forgeNextDecision = false;

  const server = createServer((req, res) => {
    res.on('error', () => undefined);
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) problem(res, 500, 'internal-error', (error as Error).message);
      else res.destroy();
    });
  });
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const standIn: FitConnectStandIn = {
    submissionUrl: base,
    tokenUrl: `${base}/token`,
    clientId,
    clientSecret,
    destinationId,
    trustedCaPem: pki.rootPem,
    target: (overrides = {}) => ({
      submissionUrl: base,
      tokenUrl: `${base}/token`,
      clientId,
      clientSecret,
      destinationId,
      trustedCaPem: pki.rootPem,
      ...overrides,
    }),
    received: [],
    tokensIssued: 0,
    requests: [],
    rejectNext: (
      problems = [{ type: `${PROBLEMS}technical-error`, title: 'Technischer Fehler', detail: 'Abgelehnt im Test' }],
    ) => {
      nextRejection = problems;
    },
    failNext: (count, status = 503, path) => void interferences.push({ count, status, path }),
    redirectNext: (path) => void interferences.push({ count: 1, redirect: true, path }),
    oversizeNext: (bytes, path) => void interferences.push({ count: 1, oversizeBytes: bytes, path }),
    forgeNextDecision: () => {
      forgeNextDecision = true;
    },
    serveKey: (variant) => {
      keyVariant = variant;
    },
    async stop() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };

  /** A Security Event Token, as the Submission API (`service`) or the destination signs it. */
  async function appendEvent(
    by: 'service' | 'destination',
    submission: ReceivedSubmission,
    event: string,
    payload: Record<string, unknown> = {},
  ): Promise<void> {
    const token = await new jose.SignJWT({
      $schema: SET_SCHEMA,
      sub: `submission:${submission.submissionId}`,
      txn: `case:${submission.caseId}`,
      events: { [`${EVENTS}${event}`]: payload },
    })
      .setProtectedHeader({ typ: 'secevent+jwt', alg: 'PS512', kid: by === 'service' ? pki.serviceKid : pki.sigKid })
      .setIssuer(by === 'service' ? base : destinationId)
      .setIssuedAt()
      .setJti(randomUUID())
      .sign(by === 'service' || forgeNextDecision ? pki.servicePrivate : pki.sigPrivate);
    if (by === 'destination') forgeNextDecision = false;
    eventLogs.get(submission.caseId)!.push(token);
  }

  /** What the destination's receiving system does with a submission: decrypt, validate, decide. */
  async function receive(
    submission: ReceivedSubmission,
    encryptedMetadata: string,
    encryptedData: string,
    uploads: Map<string, string>,
  ): Promise<void> {
    const problems: SubmissionProblem[] = [];
    const add = (name: string, detail: string): void =>
      void problems.push({ type: `${PROBLEMS}${name}`, title: name, detail });
    const decrypt = async (
      jwe: string,
      what: string,
    ): Promise<{ plaintext: Buffer; header: Record<string, unknown> } | undefined> => {
      try {
        const { plaintext, protectedHeader } = await jose.compactDecrypt(jwe, pki.encPrivate, {
          keyManagementAlgorithms: ['RSA-OAEP-256'],
          contentEncryptionAlgorithms: ['A256GCM'],
        });
        if (protectedHeader.kid !== pki.encKid) add('encryption-issue', `${what}: kid ${String(protectedHeader.kid)}`);
        if (typeof protectedHeader.cty !== 'string') add('encryption-issue', `${what}: no cty`);
        return { plaintext: Buffer.from(plaintext), header: protectedHeader };
      } catch (error) {
        add('encryption-issue', `${what}: ${(error as Error).message}`);
        return undefined;
      }
    };
    const metadataPart = await decrypt(encryptedMetadata, 'metadata');
    const dataPart = await decrypt(encryptedData, 'data');
    let metadata: Record<string, unknown> | undefined;
    if (metadataPart) {
      submission.metadataHeader = metadataPart.header;
      try {
        metadata = JSON.parse(metadataPart.plaintext.toString('utf8')) as Record<string, unknown>;
        submission.metadata = metadata;
      } catch {
        add('syntax-violation', 'metadata is not JSON');
      }
    }
    if (metadata && !validateMetadata(metadata)) {
      for (const error of validateMetadata.errors ?? [])
        add('schema-violation', `metadata${error.instancePath} ${error.message ?? ''}`);
    }
    const structure = (metadata?.contentStructure ?? {}) as {
      data?: { hash?: { content?: string } };
      attachments?: { attachmentId?: string; hash?: { content?: string } }[];
    };
    if (dataPart) {
      submission.data = dataPart.plaintext;
      submission.dataHeader = dataPart.header;
      if (structure.data?.hash?.content !== hex512(dataPart.plaintext)) add('hash-mismatch', 'data');
      try {
        JSON.parse(dataPart.plaintext.toString('utf8'));
      } catch {
        add('syntax-violation', 'data is not JSON');
      }
    }
    const listed = (structure.attachments ?? []).map((a) => a.attachmentId);
    if ([...listed].sort().join() !== [...submission.announcedAttachments].sort().join()) {
      add('attachments-mismatch', 'the metadata lists other attachments than were announced');
    }
    for (const [attachmentId, jwe] of uploads) {
      const part = await decrypt(jwe, `attachment ${attachmentId}`);
      if (!part) continue;
      submission.attachments.set(attachmentId, { content: part.plaintext, header: part.header });
      const entry = structure.attachments?.find((a) => a.attachmentId === attachmentId);
      if (entry?.hash?.content !== hex512(part.plaintext)) add('hash-mismatch', `attachment ${attachmentId}`);
    }
    if (nextRejection) {
      problems.push(...nextRejection);
      nextRejection = null;
    }
    submission.problems = problems;
    submission.accepted = problems.length === 0;
    const tag = (jwe: string): string => jwe.split('.')[4] ?? '';
    if (submission.accepted) {
      await appendEvent('destination', submission, 'accept-submission', {
        authenticationTags: {
          metadata: tag(encryptedMetadata),
          data: tag(encryptedData),
          attachments: Object.fromEntries([...uploads].map(([id, jwe]) => [id, tag(jwe)])),
        },
      });
    } else {
      await appendEvent('destination', submission, 'reject-submission', { problems });
    }
  }

  const uploadsBySubmission = new Map<string, Map<string, string>>();

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', base);
    const path = url.pathname;
    standIn.requests.push(`${req.method} ${path}`);
    const interference = interferences.find((i) => i.count > 0 && (!i.path || i.path.test(path)));
    if (interference) {
      interference.count--;
      if (interference.redirect) {
        res.writeHead(302, { location: `http://127.0.0.2:9${path}` });
        res.end();
        return;
      }
      if (interference.oversizeBytes) {
        // Chunked, without a length: the client must notice while it reads.
        res.writeHead(200, { 'content-type': 'application/json' });
        const chunk = Buffer.alloc(64 * 1024, 0x20);
        let left = interference.oversizeBytes;
        const pump = (): void => {
          while (left > 0) {
            left -= chunk.length;
            if (!res.write(chunk)) {
              res.once('drain', pump);
              return;
            }
          }
          res.end('{}');
        };
        res.on('close', () => {
          left = 0;
        });
        pump();
        return;
      }
      problem(
        res,
        interference.status ?? 503,
        'stand-in-interference',
        `answered ${interference.status ?? 503} on purpose`,
      );
      return;
    }
    const body = await readBody(req);
    if (body === undefined) return problem(res, 413, 'payload-too-large', 'body too large');

    if (req.method === 'POST' && path === '/token') {
      const form = new URLSearchParams(body.toString('utf8'));
      if (form.get('grant_type') !== 'client_credentials') {
        return send(res, 400, { error: 'unsupported_grant_type' });
      }
      if (form.get('client_id') !== clientId || form.get('client_secret') !== clientSecret) {
        return send(res, 401, { error: 'invalid_client', error_description: 'client authentication failed' });
      }
      const token = randomBytes(32).toString('base64url');
      tokens.set(token, Date.now() + 1800_000);
      standIn.tokensIssued++;
      return send(res, 200, { access_token: token, token_type: 'Bearer', expires_in: 1800, scope: 'send:region:DE' });
    }
    if (req.method === 'GET' && path === '/.well-known/jwks.json') {
      return send(res, 200, { keys: [pki.serviceJwk] });
    }

    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
    if (!bearer || (tokens.get(bearer) ?? 0) < Date.now()) {
      return problem(res, 401, 'unauthorized', 'no valid access token');
    }
    let match: RegExpExecArray | null;
    if (req.method === 'GET' && (match = /^\/v1\/destinations\/([^/]+)$/.exec(path))) {
      if (match[1] !== destinationId) return problem(res, 404, 'destination-not-found', match[1]);
      return send(res, 200, {
        destinationId,
        status: 'active',
        services: [
          {
            identifier: leikaIdentifier,
            submissionSchemas: [{ schemaUri: 'urn:openrathaus:schema:handoff:1.0', mimeType: 'application/json' }],
            regions: ['DE05'],
          },
        ],
        encryptionKid: pki.encKid,
        metadataVersions: ['1.0.0'],
        replyChannels: {},
      });
    }
    if (req.method === 'GET' && (match = /^\/v1\/destinations\/([^/]+)\/keys\/([^/]+)$/.exec(path))) {
      if (match[1] !== destinationId) return problem(res, 404, 'destination-not-found', match[1]);
      if (match[2] === pki.encKid) return send(res, 200, pki.encJwk[keyVariant]);
      if (match[2] === pki.sigKid) return send(res, 200, pki.sigJwk);
      return problem(res, 404, 'key-not-found', match[2]);
    }
    if (req.method === 'POST' && path === '/v1/submissions') {
      let request: { destinationId?: unknown; announcedAttachments?: unknown; serviceType?: { identifier?: unknown } };
      try {
        request = JSON.parse(body.toString('utf8')) as typeof request;
      } catch {
        return problem(res, 400, 'request-syntax-violation', 'not JSON');
      }
      if (request.destinationId !== destinationId)
        return problem(res, 404, 'destination-not-found', String(request.destinationId));
      const announced = request.announcedAttachments ?? [];
      const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
      if (!Array.isArray(announced) || !announced.every((id) => typeof id === 'string' && uuid.test(id))) {
        return problem(res, 422, 'request-semantic-violation', 'announcedAttachments must be UUIDs');
      }
      if (request.serviceType?.identifier !== leikaIdentifier) {
        return problem(res, 422, 'service-not-offered', 'the destination does not offer this service');
      }
      const submission: ReceivedSubmission = {
        submissionId: randomUUID(),
        caseId: randomUUID(),
        destinationId,
        serviceType: request.serviceType,
        announcedAttachments: announced as string[],
        attachments: new Map(),
        problems: [],
        accepted: false,
      };
      submissions.set(submission.submissionId, submission);
      uploadsBySubmission.set(submission.submissionId, new Map());
      eventLogs.set(submission.caseId, []);
      await appendEvent('service', submission, 'create-submission');
      return send(res, 201, { destinationId, submissionId: submission.submissionId, caseId: submission.caseId });
    }
    if (req.method === 'PUT' && (match = /^\/v1\/submissions\/([^/]+)\/attachments\/([^/]+)$/.exec(path))) {
      const submission = submissions.get(match[1]);
      if (!submission) return problem(res, 404, 'submission-not-found', match[1]);
      if (!submission.announcedAttachments.includes(match[2]))
        return problem(res, 404, 'attachment-not-announced', match[2]);
      if (req.headers['content-type'] !== 'application/jose')
        return problem(res, 415, 'unsupported-media-type', 'application/jose');
      uploadsBySubmission.get(submission.submissionId)!.set(match[2], body.toString('utf8'));
      return send(res, 204);
    }
    if (req.method === 'PUT' && (match = /^\/v1\/submissions\/([^/]+)$/.exec(path))) {
      const submission = submissions.get(match[1]);
      if (!submission) return problem(res, 404, 'submission-not-found', match[1]);
      let request: { encryptedMetadata?: unknown; encryptedData?: unknown };
      try {
        request = JSON.parse(body.toString('utf8')) as typeof request;
      } catch {
        return problem(res, 400, 'request-syntax-violation', 'not JSON');
      }
      const compact = /^[\w-]+\.[\w-]*\.[\w-]+\.[\w-]+\.[\w-]+$/;
      if (typeof request.encryptedMetadata !== 'string' || !compact.test(request.encryptedMetadata)) {
        return problem(res, 422, 'request-semantic-violation', 'encryptedMetadata is not a compact JWE');
      }
      if (typeof request.encryptedData !== 'string' || !compact.test(request.encryptedData)) {
        return problem(res, 422, 'request-semantic-violation', 'encryptedData is not a compact JWE');
      }
      const uploads = uploadsBySubmission.get(submission.submissionId)!;
      if (submission.announcedAttachments.some((id) => !uploads.has(id))) {
        return problem(res, 422, 'missing-attachments', 'not every announced attachment was uploaded');
      }
      await appendEvent('service', submission, 'submit-submission');
      // The destination fetches and decides at once, so that a test can read the outcome right after.
      await receive(submission, request.encryptedMetadata, request.encryptedData, uploads);
      standIn.received.push(submission);
      return send(res, 202, { destinationId, submissionId: submission.submissionId, caseId: submission.caseId });
    }
    if (req.method === 'GET' && (match = /^\/v1\/cases\/([^/]+)\/events$/.exec(path))) {
      const log = eventLogs.get(match[1]);
      if (!log) return problem(res, 404, 'case-not-found', match[1]);
      return send(res, 200, { count: log.length, offset: 0, totalCount: log.length, eventLog: log });
    }
    return problem(res, 404, 'not-found', path);
  }

  return standIn;
}
