import { TenantTransactions } from '@openrathaus/database';
import { TenantRegistry } from '@openrathaus/tenancy';
import { TestResponse, get, send } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { Citizen, payInSandbox, registerCitizen, upload } from '../support-citizen';
import { TestSmtp, parseMail, startSmtp } from '../support-mail';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
// An executable (MZ header) dressed up as a PDF.
const DISGUISED = Buffer.concat([Buffer.from('MZ\x90\x00\x03\x00\x00\x00'), Buffer.alloc(200, 1)]);

// Answers are read loosely; the assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (response: TestResponse) => JSON.parse(response.body) as Record<string, any>;

interface ServiceParams {
  zones: string[];
  postalCodes: string[];
  fee: number;
}

function answers(params: ServiceParams, email: string, zone = params.zones[0]) {
  return {
    vorname: 'Erika',
    nachname: 'Mustermann',
    geburtsdatum: '1980-05-17',
    anschrift: { street: 'Rathausplatz', houseNumber: '3', postalCode: params.postalCodes[0], city: 'Stadt' },
    email,
    kennzeichen: 're-ab 123',
    halter: 'eigen',
    zone,
    versicherung: true,
    datenschutz: true,
  };
}

describe("the citizen's journey through the JSON API", () => {
  let smtp: TestSmtp;
  let portal: TestPortal;
  const params: Record<string, ServiceParams> = {};

  beforeAll(async () => {
    smtp = await startSmtp();
    portal = await startTestPortal({ smtpUrl: smtp.url });
    for (const slug of ['recklinghausen', 'gelsenkirchen']) {
      const service = json(await get(portal.port, '/api/v1/services/bewohnerparkausweis', `${slug}.localhost`));
      params[slug] = service.parameters as ServiceParams;
    }
  });

  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
  });

  const api = (citizen: Citizen, method: string, path: string, body?: unknown, host = citizen.host) =>
    send(portal.port, method, path, host, body, { cookie: citizen.cookie });

  describe.each(['recklinghausen', 'gelsenkirchen'])('on %s', (slug) => {
    const host = `${slug}.localhost`;
    let citizen: Citizen;
    let id: string;

    beforeAll(async () => {
      citizen = await registerCitizen(portal, smtp, host, `erika.${slug}@example.org`);
    });

    it('starts a draft bound to the definition version the tenant serves', async () => {
      const response = await api(citizen, 'POST', '/api/v1/applications', { serviceKey: 'bewohnerparkausweis' });
      expect(response.status).toBe(201);
      const draft = json(response);
      expect(draft).toMatchObject({
        status: 'draft',
        definition: { owner: 'gelsenkirchen', key: 'bewohnerparkausweis' },
        number: null,
      });
      id = draft.id as string;
    });

    it('saves answers also where they are wrong, naming each field', async () => {
      const wrong = { ...answers(params[slug], citizen.email, 'Nirgendwo'), geburtsdatum: '2999-01-01' };
      const response = await api(citizen, 'PUT', `/api/v1/applications/${id}/answers`, { answers: wrong });
      expect(response.status).toBe(200);
      const fields = (json(response).errors as { field: string }[]).map((e) => e.field).sort();
      // The registration certificate on the same page is still to be uploaded.
      expect(fields).toEqual(['geburtsdatum', 'zone', 'zulassung']);
      expect(json(response).application.answers.zone).toBe('Nirgendwo');
    });

    it("refuses another city's zone and accepts its own", async () => {
      const other = slug === 'recklinghausen' ? 'gelsenkirchen' : 'recklinghausen';
      const foreignZone = params[other].zones.find((z) => !params[slug].zones.includes(z))!;
      const refused = await api(citizen, 'PUT', `/api/v1/applications/${id}/answers`, {
        answers: { zone: foreignZone },
      });
      expect(json(refused).errors).toEqual([expect.objectContaining({ field: 'zone' })]);
      const saved = await api(citizen, 'PUT', `/api/v1/applications/${id}/answers`, {
        answers: answers(params[slug], citizen.email),
      });
      expect(json(saved).errors).toEqual([expect.objectContaining({ field: 'zulassung' })]);
      // Kept as typed in the draft; written the official way on submission.
      expect(json(saved).application.answers.kennzeichen).toBe('re-ab 123');
    });

    it('refuses a disguised upload by its content and keeps a real PDF', async () => {
      const disguised = await upload(portal, citizen, id, 'zulassung', 'fahrzeugschein.pdf', DISGUISED);
      expect(disguised.status).toBe(422);
      expect(json(disguised).errors[0].field).toBe('zulassung');
      const huge = await upload(portal, citizen, id, 'zulassung', 'gross.pdf', Buffer.alloc(21 * 1024 * 1024, 1));
      expect(huge.status).toBe(422);
      expect(json(huge).errors[0]).toMatchObject({ field: 'zulassung' });
      const kept = await upload(portal, citizen, id, 'zulassung', 'fahrzeugschein.pdf', PDF);
      expect(kept.status).toBe(201);
      expect(json(kept)).toMatchObject({ field: 'zulassung', mediaType: 'application/pdf' });
    });

    it('submits with a number and the fee computed on the server, and sends the citizen to pay', async () => {
      const response = await api(citizen, 'POST', `/api/v1/applications/${id}/submit`);
      expect(response.status).toBe(200);
      const submitted = json(response);
      const prefix = slug === 'recklinghausen' ? 'RE' : 'GE';
      expect(submitted.number).toMatch(new RegExp(`^${prefix}-\\d{4}-\\d{6}$`));
      expect(submitted.status).toBe('payment_pending');
      expect(submitted.answers.kennzeichen).toBe('RE-AB 123');
      expect(submitted.feeCents).toBe(Math.round(params[slug].fee));
      expect(submitted.payment.redirectUrl).toMatch(/\/_sandbox\/xbezahldienste\/pay\//);
    });

    it('refuses to submit twice', async () => {
      const again = await api(citizen, 'POST', `/api/v1/applications/${id}/submit`);
      expect(again.status).toBe(409);
    });

    it('does not take the return from the pay page for a payment', async () => {
      // The browser comes back before paying (or with a forged query): the provider is asked.
      const back = await get(portal.port, `/antraege/${id}/zahlung?status=PAYED&transactionId=forged`, host, {
        cookie: citizen.cookie,
      });
      expect(back.status).toBe(303);
      expect(json(await api(citizen, 'GET', `/api/v1/applications/${id}`)).status).toBe('payment_pending');
    });

    it('completes once after paying, issues the permit and sends the confirmation with it', async () => {
      const pending = json(await api(citizen, 'GET', `/api/v1/applications/${id}`));
      await payInSandbox(portal, pending.payment.redirectUrl as string);
      // Reloads and repeated returns at once: the payment completes the application once.
      const views = await Promise.all(
        Array.from({ length: 5 }, () => api(citizen, 'GET', `/api/v1/applications/${id}`)),
      );
      expect(views.every((v) => v.status === 200)).toBe(true);
      const done = await eventually(async () => {
        const view = json(await api(citizen, 'GET', `/api/v1/applications/${id}`));
        return view.status === 'completed' && view.documents.length ? view : undefined;
      }, 30_000);
      expect(done.payment).toMatchObject({ status: 'PAYED', amountCents: Math.round(params[slug].fee) });
      const moves = await portal.app
        .get(TenantTransactions)
        .run(portal.app.get(TenantRegistry).get(slug)!.id, (scope) =>
          scope.query<{ to: string }>(
            `select data->>'to' as to from public.audit_log where subject = $1 and action = 'application.status'
              order by created_at`,
            [`application:${id}`],
          ),
        );
      expect(moves.map((m) => m.to)).toEqual(['submitted', 'payment_pending', 'paid', 'completed']);

      const document = done.documents[0];
      const pdf = await get(portal.port, document.url as string, host, { cookie: citizen.cookie });
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      const verified = json(await get(portal.port, `/verify/${document.verifyCode}?format=json`, host));
      expect(verified).toMatchObject({ status: 'valid', number: done.number });
      expect(JSON.stringify(verified)).toContain('RE-AB 123');

      const mail = parseMail(
        (
          await eventually(() =>
            Promise.resolve(smtp.received.find((m) => m.to.includes(citizen.email) && /application\/pdf/.test(m.raw))),
          )
        ).raw,
      );
      expect(mail.subject).toContain(done.number as string);
      expect(mail.text).toContain(params[slug].zones[0]);
      expect(mail.parts.some((p) => p.contentType === 'application/pdf' && p.filename)).toBe(true);
      expect(done.messages.length).toBeGreaterThanOrEqual(2);
      // The receipt came first, with the number and the way to the application.
      const receipt = smtp.received.find(
        (m) => m.to.includes(citizen.email) && parseMail(m.raw).subject.includes(`${done.number} ist eingegangen`),
      );
      expect(parseMail(receipt!.raw).text).toContain(`/antraege/${id}`);
    });

    it('has nothing left to pay', async () => {
      const again = await api(citizen, 'POST', `/api/v1/applications/${id}/payment`);
      expect(again.status).toBe(409);
    });

    it('keeps the application from another citizen, another tenant and anyone not logged in', async () => {
      const other = await registerCitizen(portal, smtp, host, `max.${slug}@example.org`);
      expect((await api(other, 'GET', `/api/v1/applications/${id}`)).status).toBe(404);
      expect((await api(other, 'POST', `/api/v1/applications/${id}/submit`)).status).toBe(404);
      const documentPath = `/api/v1/applications/${id}/documents/00000000-0000-4000-8000-000000000000`;
      expect((await api(other, 'GET', documentPath)).status).toBe(404);
      // Same region, so the session is valid on Bottrop's host, but the application is not Bottrop's.
      expect((await api(citizen, 'GET', `/api/v1/applications/${id}`, undefined, 'bottrop.localhost')).status).toBe(
        404,
      );
      expect((await send(portal.port, 'GET', `/api/v1/applications/${id}`, host)).status).toBe(401);
      expect((await api(citizen, 'GET', '/api/v1/applications/not-a-uuid')).status).toBe(404);
    });
  });

  it('asks for the identity level the Fahrdienst needs before a draft begins', async () => {
    const citizen = await registerCitizen(portal, smtp, 'dortmund.localhost', 'ida@example.org');
    const refused = await api(citizen, 'POST', '/api/v1/applications', { serviceKey: 'fahrdienst' });
    expect(refused.status).toBe(403);
    expect(json(refused).code).toBe('workflow.level_required');
  });

  it('names the field of a bad start request', async () => {
    const citizen = await registerCitizen(portal, smtp, 'recklinghausen.localhost', 'bad.input@example.org');
    for (const body of [{}, { serviceKey: 42 }, { serviceKey: 'x'.repeat(500) }, { serviceKey: 'a\u0000b' }]) {
      const response = await api(citizen, 'POST', '/api/v1/applications', body);
      expect(response.status).toBe(400);
      expect(json(response).errors[0].field).toBe('serviceKey');
    }
    expect((await api(citizen, 'POST', '/api/v1/applications', { serviceKey: 'gibt-es-nicht' })).status).toBe(404);
  });
});

describe('when the payment service is away', () => {
  let smtp: TestSmtp;
  let portal: TestPortal;

  beforeAll(async () => {
    smtp = await startSmtp();
    // Nothing listens on port 9 (discard): every call to the payment service fails.
    portal = await startTestPortal({ smtpUrl: smtp.url, paymentUrl: 'http://127.0.0.1:9/xbezahldienste' });
  });

  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
  });

  it('submits all the same and lets the citizen pay later, showing the application meanwhile', async () => {
    const citizen = await registerCitizen(portal, smtp, 'bottrop.localhost', 'offline@example.org');
    const call = (method: string, path: string, body?: unknown) =>
      send(portal.port, method, path, citizen.host, body, { cookie: citizen.cookie });
    const params = json(await get(portal.port, '/api/v1/services/bewohnerparkausweis', citizen.host))
      .parameters as ServiceParams;
    const id = json(await call('POST', '/api/v1/applications', { serviceKey: 'bewohnerparkausweis' })).id as string;
    await call('PUT', `/api/v1/applications/${id}/answers`, { answers: answers(params, citizen.email) });
    expect((await upload(portal, citizen, id, 'zulassung', 'z.pdf', PDF)).status).toBe(201);
    const submitted = await call('POST', `/api/v1/applications/${id}/submit`);
    expect(submitted.status).toBe(200);
    expect(json(submitted)).toMatchObject({ status: 'submitted', payment: null });
    expect(json(submitted).number).toMatch(/^BOT-/);
    expect((await call('GET', `/api/v1/applications/${id}`)).status).toBe(200);
    const page = await get(portal.port, `/antraege/${id}`, citizen.host, { cookie: citizen.cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain(`/antraege/${id}/bezahlen`);
    expect((await call('POST', `/api/v1/applications/${id}/payment`)).status).toBe(503);
  });
});
