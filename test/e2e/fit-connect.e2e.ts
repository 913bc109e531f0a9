import { createHash } from 'node:crypto';
import {
  FitConnectClient,
  FitConnectStrategy,
  Handoff,
  HandoffFailure,
  METADATA_SCHEMA_URI,
} from '@openrathaus/delivery';
import { FitConnectStandIn, startFitConnectStandIn } from '../support-fitconnect';

const sha512 = (bytes: Buffer): string => createHash('sha512').update(bytes).digest('hex');

const SUMMARY = Buffer.from('%PDF-1.7\n% Zusammenfassung des Antrags\n%%EOF\n', 'utf8');
const PHOTO = Buffer.concat([
  Buffer.from([0xff, 0xd8, 0xff, 0xe0]),
  Buffer.alloc(200_000, 7),
  Buffer.from([0xff, 0xd9]),
]);

function handoff(): Handoff {
  return {
    id: 'b3c5d0f2-8a4e-4f7e-9f0d-6b2d3c1a0e11',
    tenant: { slug: 'gelsenkirchen', name: 'Stadt Gelsenkirchen' },
    application: {
      id: '1f0e2d3c-4b5a-4697-8877-665544332211',
      number: 'GE-2026-000123',
      submittedAt: '2026-03-04T10:15:00.000Z',
      answers: { hund: { name: 'Bello', rasse: 'Mischling' }, nachweise: [{ datei: 'upload-1' }] },
      applicant: { name: 'Erika Mustermann', email: 'erika@example.org' },
    },
    definition: {
      owner: 'gelsenkirchen',
      key: 'hundesteuer',
      version: '1.2.0',
      title: 'Hundesteuer anmelden',
      leikaId: '99050012104000',
    },
    office: { id: 'steueramt', name: 'Steueramt', email: 'steueramt@example.org' },
    fields: [
      { path: 'hund.name', label: 'Name des Hundes', fimId: 'F60000227', value: 'Bello', text: 'Bello' },
      { path: 'hund.rasse', label: 'Rasse', value: 'Mischling', text: 'Mischling' },
    ],
    files: [
      {
        id: 'summary',
        field: 'summary',
        storageKey: 'tenant/deliveries/h/antrag.pdf',
        filename: 'antrag.pdf',
        contentType: 'application/pdf',
        size: SUMMARY.length,
        read: () => Promise.resolve(SUMMARY),
      },
      {
        id: '5f0c1a2e-8d1b-4a57-9d0c-3c2b1a0f9e8d',
        field: 'nachweise.0.datei',
        storageKey: 'tenant/attachments/5f0c1a2e',
        filename: 'impfpass.jpg',
        contentType: 'image/jpeg; name="impfpass.jpg"',
        size: PHOTO.length,
        read: () => Promise.resolve(PHOTO),
      },
    ],
  };
}

/** The failure `promise` ends in; fails the test when it does not fail. */
async function failure(promise: Promise<unknown>): Promise<HandoffFailure> {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  expect(outcome).toBeInstanceOf(HandoffFailure);
  return outcome as HandoffFailure;
}

describe('FIT-Connect hand-off against the local stand-in', () => {
  let standIn: FitConnectStandIn;

  beforeAll(async () => {
    standIn = await startFitConnectStandIn();
  });

  afterAll(async () => {
    await standIn.stop();
  });

  beforeEach(() => standIn.serveKey('trusted'));

  it('delivers data, metadata and two attachments encrypted, schema-valid and with correct hashes, and reads the acceptance', async () => {
    const client = new FitConnectClient();
    const strategy = new FitConnectStrategy(client);
    const before = standIn.received.length;

    const receipt = await strategy.send(handoff(), standIn.target());

    expect(receipt).toEqual({
      to: standIn.destinationId,
      submissionId: expect.any(String),
      caseId: expect.any(String),
    });
    expect(standIn.received).toHaveLength(before + 1);
    const received = standIn.received[before];
    expect(received.submissionId).toBe(receipt.submissionId);
    expect(received.problems).toEqual([]);
    expect(received.accepted).toBe(true);
    expect(received.serviceType).toEqual({
      identifier: 'urn:de:fim:leika:leistung:99050012104000',
      name: 'Hundesteuer anmelden',
    });

    // Every part was a compact JWE for the destination's key, with the parameters FIT-Connect asks for.
    for (const header of [
      received.metadataHeader,
      received.dataHeader,
      ...[...received.attachments.values()].map((a) => a.header),
    ]) {
      expect(header).toMatchObject({
        alg: 'RSA-OAEP-256',
        enc: 'A256GCM',
        kid: expect.stringMatching(/^enc-/),
        cty: expect.any(String),
      });
    }

    const metadata = received.metadata as {
      $schema: string;
      contentStructure: {
        data: { hash: { type: string; content: string }; submissionSchema: { mimeType: string } };
        attachments: {
          attachmentId: string;
          hash: { content: string };
          purpose: string;
          mimeType: string;
          filename: string;
        }[];
      };
      additionalReferenceInfo: { senderReference: string; applicationDate: string };
      replyChannel: unknown;
    };
    expect(metadata.$schema).toBe(METADATA_SCHEMA_URI);
    expect(metadata.contentStructure.data.hash).toEqual({ type: 'sha512', content: sha512(received.data!) });
    expect(metadata.additionalReferenceInfo).toEqual({
      senderReference: 'GE-2026-000123',
      applicationDate: '2026-03-04',
    });
    expect(metadata.replyChannel).toEqual({ eMail: { address: 'erika@example.org' } });

    const byName = new Map(metadata.contentStructure.attachments.map((a) => [a.filename, a]));
    const summary = byName.get('antrag.pdf')!;
    const photo = byName.get('impfpass.jpg')!;
    expect(summary).toMatchObject({ purpose: 'form', mimeType: 'application/pdf', hash: { content: sha512(SUMMARY) } });
    expect(photo).toMatchObject({ purpose: 'attachment', mimeType: 'image/jpeg', hash: { content: sha512(PHOTO) } });
    expect(received.attachments.get(summary.attachmentId)!.content.equals(SUMMARY)).toBe(true);
    expect(received.attachments.get(photo.attachmentId)!.content.equals(PHOTO)).toBe(true);
    expect(received.attachments.get(photo.attachmentId)!.header.cty).toBe('image/jpeg');

    const data = JSON.parse(received.data!.toString('utf8'));
    expect(data.application.number).toBe('GE-2026-000123');
    expect(data.application.answers.hund.name).toBe('Bello');
    expect(data.fields).toEqual([
      { path: 'hund.name', label: 'Name des Hundes', fimId: 'F60000227', value: 'Bello' },
      { path: 'hund.rasse', label: 'Rasse', value: 'Mischling' },
    ]);
    expect(data.attachments).toEqual(
      expect.arrayContaining([
        { attachmentId: photo.attachmentId, field: 'nachweise.0.datei', filename: 'impfpass.jpg' },
      ]),
    );

    const status = await client.events(standIn.target(), receipt.caseId as string);
    expect(status.status).toBe('accepted');
    expect(status.problems).toEqual([]);
    expect(status.events.map((e) => e.event.replace(/^.*\//, ''))).toEqual([
      'create-submission',
      'submit-submission',
      'accept-submission',
    ]);
    expect(status.events[2].issuer).toBe(standIn.destinationId);
    expect(status.events[2].submissionId).toBe(receipt.submissionId);
  });

  it('reads a rejection and its problems from the event log', async () => {
    const client = new FitConnectClient();
    standIn.rejectNext([
      {
        type: 'https://schema.fitko.de/fit-connect/events/problems/technical-error',
        title: 'Technischer Fehler',
        detail: 'Fachverfahren nicht erreichbar',
      },
    ]);

    const receipt = await new FitConnectStrategy(client).send(handoff(), standIn.target());
    const status = await client.events(standIn.target(), receipt.caseId as string);

    expect(status.status).toBe('rejected');
    expect(status.problems).toEqual([
      expect.objectContaining({ title: 'Technischer Fehler', detail: 'Fachverfahren nicht erreichbar' }),
    ]);
    expect(status.events.at(-1)!.event).toBe('https://schema.fitko.de/fit-connect/events/reject-submission');
  });

  it('refuses an event log whose decision is not signed by the destination', async () => {
    const client = new FitConnectClient();
    standIn.forgeNextDecision();
    const receipt = await new FitConnectStrategy(client).send(handoff(), standIn.target());
    const error = await failure(client.events(standIn.target(), receipt.caseId as string));
    expect(error.message).toBe(
      `FIT-Connect event log of case ${String(receipt.caseId)}: the signature of an event by ${standIn.destinationId} does not verify`,
    );
  });

  it('gets one token for several calls', async () => {
    const client = new FitConnectClient();
    const before = standIn.tokensIssued;
    const receipt = await new FitConnectStrategy(client).send(handoff(), standIn.target());
    await client.events(standIn.target(), receipt.caseId as string);
    expect(standIn.tokensIssued).toBe(before + 1);
  });

  it('refuses a destination key whose chain does not lead to the trusted CA, before announcing anything', async () => {
    standIn.serveKey('untrusted');
    const announced = standIn.requests.filter((r) => r === 'POST /v1/submissions').length;
    const error = await failure(new FitConnectStrategy(new FitConnectClient()).send(handoff(), standIn.target()));
    expect(error.message).toMatch(
      /destination key \(enc-[^)]+\) is not trusted: its certificate chain does not lead to the trusted CA/,
    );
    expect(error.permanent).toBe(true);
    expect(standIn.requests.filter((r) => r === 'POST /v1/submissions')).toHaveLength(announced);
  });

  it('refuses a destination key whose certificate has expired', async () => {
    standIn.serveKey('expired');
    const error = await failure(new FitConnectStrategy(new FitConnectClient()).send(handoff(), standIn.target()));
    expect(error.message).toMatch(
      /is not trusted: its certificate \(.*Zustellpunkt Verschluesselung.*\) expired on \d{4}-/,
    );
    expect(error.permanent).toBe(true);
  });

  it('fails permanently on a wrong client secret', async () => {
    const error = await failure(
      new FitConnectStrategy(new FitConnectClient()).send(
        handoff(),
        standIn.target({ clientSecret: 'not-the-secret' }),
      ),
    );
    expect(error.message).toMatch(
      /FIT-Connect token \(POST http:\/\/127\.0\.0\.1:\d+\/token\): answered 401: invalid_client/,
    );
    expect(error.permanent).toBe(true);
  });

  it('fails transiently on a 503', async () => {
    standIn.failNext(1, 503);
    const error = await failure(new FitConnectStrategy(new FitConnectClient()).send(handoff(), standIn.target()));
    expect(error.message).toMatch(/answered 503/);
    expect(error.permanent).toBe(false);
  });

  it('fails permanently on a 422 when announcing', async () => {
    standIn.failNext(1, 422, /^\/v1\/submissions$/);
    const error = await failure(new FitConnectStrategy(new FitConnectClient()).send(handoff(), standIn.target()));
    expect(error.message).toMatch(/FIT-Connect announce submission \(POST .*\/v1\/submissions\): answered 422/);
    expect(error.permanent).toBe(true);
  });

  it('refuses to follow a redirect', async () => {
    standIn.redirectNext(/^\/v1\/destinations\/[^/]+$/);
    const error = await failure(new FitConnectStrategy(new FitConnectClient()).send(handoff(), standIn.target()));
    expect(error.message).toMatch(
      /look up destination .*answered with a redirect \(302 to http:\/\/127\.0\.0\.2:9\/v1\/destinations\/.*\); redirects are refused/,
    );
    expect(error.permanent).toBe(true);
  });

  it('stops reading an answer that is too long', async () => {
    standIn.oversizeNext(8 * 1024 * 1024, /^\/v1\/destinations\/[^/]+$/);
    const client = new FitConnectClient({ maxAnswerBytes: 256 * 1024 });
    const error = await failure(new FitConnectStrategy(client).send(handoff(), standIn.target()));
    expect(error.message).toMatch(/look up destination .*: the answer is longer than the 262144 bytes allowed/);
    expect(error.permanent).toBe(false);
  });

  it('refuses a hand-off without a LeiKa key', async () => {
    const withoutLeika = handoff();
    delete withoutLeika.definition.leikaId;
    const error = await failure(new FitConnectStrategy(new FitConnectClient()).send(withoutLeika, standIn.target()));
    expect(error.message).toMatch(/no LeiKa key/);
    expect(error.permanent).toBe(true);
  });
});

describe('the FIT-Connect stand-in checks what it receives', () => {
  let standIn: FitConnectStandIn;

  beforeAll(async () => {
    standIn = await startFitConnectStandIn();
  });

  afterAll(async () => {
    await standIn.stop();
  });

  it('rejects metadata that break the schema and hashes that do not match', async () => {
    const client = new FitConnectClient();
    const data = Buffer.from('{"a":1}', 'utf8');
    const attachmentId = '0b799252-deb9-42b0-98d3-c50d24bbafe0';
    const sent = await client.submit(standIn.target(), {
      serviceType: { identifier: 'urn:de:fim:leika:leistung:99050012104000', name: 'Hundesteuer anmelden' },
      data,
      metadata: {
        $schema: METADATA_SCHEMA_URI,
        publicServiceType: { identifier: 'urn:de:fim:leika:leistung:99050012104000' },
        contentStructure: {
          data: {
            hash: { type: 'sha512', content: sha512(Buffer.from('something else')) },
            submissionSchema: { schemaUri: 'urn:openrathaus:schema:handoff:1.0', mimeType: 'application/json' },
          },
          attachments: [
            {
              attachmentId,
              hash: { type: 'sha512', content: sha512(SUMMARY) },
              purpose: 'scan' as 'form',
              filename: 'antrag.pdf',
              description: 'summary',
              mimeType: 'application/pdf',
            },
          ],
        },
        additionalReferenceInfo: { senderReference: 'GE-1' },
      },
      attachments: [
        { attachmentId, field: 'summary', filename: 'antrag.pdf', mimeType: 'application/pdf', content: PHOTO },
      ],
    });

    const received = standIn.received.find((r) => r.submissionId === sent.submissionId)!;
    const problems = received.problems.map((p) => `${p.type?.replace(/^.*\//, '')}: ${p.detail}`);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^schema-violation: metadata\/contentStructure\/attachments\/0\/purpose /),
        'hash-mismatch: data',
        `hash-mismatch: attachment ${attachmentId}`,
      ]),
    );
    expect((await client.events(standIn.target(), sent.caseId)).status).toBe('rejected');
  });
});
