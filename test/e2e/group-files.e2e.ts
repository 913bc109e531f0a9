import fc from 'fast-check';
import { TestResponse, get, send, sendBody } from '@openrathaus/testing';
import { TestPortal, startTestPortal } from '../support';
import { Citizen, cookiesOf, lastAccountMail, upload } from '../support-citizen';
import { TestOidcProvider, startTestOidcProvider } from '../support-oidc';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

// Answers are read loosely; the assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (response: TestResponse) => JSON.parse(response.body) as Record<string, any>;

/** A founder from outside the EU, as the Gewerbeanzeige asks for each person. */
const person = (familienname: string, vornamen: string) => ({
  familienname,
  vornamen,
  geschlecht: 'w',
  geburtsdatum: '1988-04-12',
  geburtsort: 'Ankara, Türkei',
  staatsangehoerigkeit: 'türkisch',
  euBuerger: 'nein',
  wohnanschrift: { street: 'Kaiserwall', houseNumber: '12', postalCode: '45657', city: 'Recklinghausen' },
});

const GEWERBE = {
  art: 'anmeldung',
  betriebsart: 'hauptniederlassung',
  rechtsform: 'gbr',
  firmenname: 'Demir & Yılmaz GbR',
  registerart: 'keiner',
  betriebsstaette: { street: 'Breite Straße', houseNumber: '4', postalCode: '45657', city: 'Recklinghausen' },
  email: 'kontakt@demir-yilmaz.example',
  personen: [person('Demir', 'Ayşe'), person('Yılmaz', 'Mehmet')],
  anlass: 'neugruendung',
  taetigkeit: 'Einzelhandel mit Lebensmitteln',
  beginn: '2026-09-01',
  umfang: 'haupterwerb',
  beschaeftigteVollzeit: 0,
  beschaeftigteTeilzeit: 1,
  erlaubnispflichtig: 'nein',
  handwerk: 'nein',
  versicherung: true,
};

/** A multipart body of text parts and files, as a browser posts a form with file inputs. */
function multipart(fields: Record<string, string>, files: Record<string, { filename: string; bytes: Buffer }>) {
  const boundary = `----openrathausform${Date.now()}`;
  const parts = [
    ...Object.entries(fields).map(([name, value]) =>
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    ),
    ...Object.entries(files).flatMap(([name, file]) => [
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="${file.filename}"\r\nContent-Type: application/pdf\r\n\r\n`,
      ),
      file.bytes,
      Buffer.from('\r\n'),
    ]),
    Buffer.from(`--${boundary}--\r\n`),
  ];
  return { body: Buffer.concat(parts), contentType: `multipart/form-data; boundary=${boundary}` };
}

describe('files in repeated groups', () => {
  let oidc: TestOidcProvider;
  let portal: TestPortal;
  let host = '';
  let citizen: Citizen;

  const api = (method: string, path: string, body?: unknown) =>
    send(portal.port, method, path, citizen.host, body, { cookie: citizen.cookie });
  const start = async (serviceKey: string): Promise<string> => {
    const response = await api('POST', '/api/v1/applications', { serviceKey });
    expect(response.status).toBe(201);
    return json(response).id as string;
  };
  const put = (id: string, answers: Record<string, unknown>) =>
    api('PUT', `/api/v1/applications/${id}/answers`, { answers });
  const view = async (id: string) => json(await api('GET', `/api/v1/applications/${id}`));

  beforeAll(async () => {
    oidc = await startTestOidcProvider();
    portal = await startTestPortal({
      oidcIssuer: oidc.issuer,
      oidcClientId: oidc.clientId,
      oidcClientSecret: oidc.clientSecret,
    });
    // With the port, as a browser sends it: the step-up's callback URL is built from the Host header.
    host = `recklinghausen.localhost:${portal.port}`;
    await oidc.register([`http://${host}/konto/identitaet/callback`]);
    const email = 'ayse.demir@example.org';
    const password = 'ein langes Passwort 2026';
    await send(portal.port, 'POST', '/api/v1/auth/register', host, { email, password, name: 'Ayşe Demir' });
    const token = new URL((await lastAccountMail(portal, email, 'account-verify'))!.link).searchParams.get('token');
    expect((await send(portal.port, 'POST', '/api/v1/auth/verify', host, { token })).status).toBe(200);
    const login = await send(portal.port, 'POST', '/api/v1/auth/login', host, { email, password });
    let cookie = cookiesOf(login);
    // The Meldebescheinigung asks for the high level: the eID, played by the test provider.
    const stepUp = await get(portal.port, '/konto/identitaet?level=high&next=%2Fkonto', host, { cookie });
    const back = new URL(await oidc.authorize(String(stepUp.headers.location)));
    cookie = cookiesOf(await get(portal.port, back.pathname + back.search, host, { cookie }), cookie);
    citizen = { host, email, password, cookie };
  });

  afterAll(async () => {
    await portal?.stop();
    await oidc?.stop();
  });

  describe('the Gewerbeanzeige of two founders from outside the EU, through the JSON API', () => {
    let id: string;

    beforeAll(async () => {
      id = await start('gewerbeanzeige');
    });

    it('asks for the residence permit of each person', async () => {
      const saved = await put(id, GEWERBE);
      expect(saved.status).toBe(200);
      const fields = (json(saved).errors as { field: string }[]).map((e) => e.field);
      expect(fields).toEqual(['personen.0.aufenthaltstitel', 'personen.1.aufenthaltstitel']);
    });

    it("takes a file for a person's field under its answer path", async () => {
      const uploaded = await upload(portal, citizen, id, 'personen.0.aufenthaltstitel', 'titel-demir.pdf', PDF);
      expect(uploaded.status).toBe(201);
      expect(json(uploaded)).toMatchObject({ field: 'personen.0.aufenthaltstitel', mediaType: 'application/pdf' });
      const answers = (await view(id)).answers;
      expect(answers.personen[0].aufenthaltstitel).toEqual([json(uploaded).id]);
      expect(answers.personen[1].aufenthaltstitel).toBeUndefined();
    });

    it('refuses paths that name no file field of an entry the form allows, naming the field', async () => {
      for (const field of [
        'personen.10.aufenthaltstitel',
        'personen.01.aufenthaltstitel',
        'personen.-1.aufenthaltstitel',
        'personen.99999999999999999999.aufenthaltstitel',
        'personen.aufenthaltstitel',
        'personen.0.familienname',
        'aufenthaltstitel',
        '__proto__',
        'personen.__proto__.aufenthaltstitel',
      ]) {
        const refused = await upload(portal, citizen, id, field, 'x.pdf', PDF);
        expect([field, refused.status, json(refused).code]).toEqual([field, 400, 'applications.unknown_field']);
        expect(json(refused).errors).toEqual([expect.objectContaining({ field: 'field' })]);
      }
    });

    it('answers a submission without the second permit with 422 naming it', async () => {
      const refused = await api('POST', `/api/v1/applications/${id}/submit`);
      expect(refused.status).toBe(422);
      expect((json(refused).errors as { field: string }[]).map((e) => e.field)).toEqual([
        'personen.1.aufenthaltstitel',
      ]);
    });

    it('keeps the files at their entries when the answers are saved again without them', async () => {
      const second = await upload(portal, citizen, id, 'personen.1.aufenthaltstitel', 'titel-yilmaz.pdf', PDF);
      expect(second.status).toBe(201);
      const saved = await put(id, { personen: GEWERBE.personen });
      expect(json(saved).errors).toEqual([]);
      expect(json(saved).application.answers.personen[1].aufenthaltstitel).toEqual([json(second).id]);
    });

    it('submits, with each permit in its entry', async () => {
      const submitted = await api('POST', `/api/v1/applications/${id}/submit`);
      expect(submitted.status).toBe(200);
      const application = json(submitted);
      expect(application.status).toBe('payment_pending');
      expect(application.feeCents).toBe(2 * 2600);
      expect(
        application.answers.personen.map((p: { aufenthaltstitel: string[] }) => p.aufenthaltstitel.length),
      ).toEqual([1, 1]);
    });
  });

  describe('entries removed', () => {
    it('deletes the files of entries that a saved list no longer has', async () => {
      const id = await start('gewerbeanzeige');
      await put(id, GEWERBE);
      expect((await upload(portal, citizen, id, 'personen.1.aufenthaltstitel', 'b.pdf', PDF)).status).toBe(201);
      const shorter = await put(id, { personen: [GEWERBE.personen[0]] });
      expect(json(shorter).errors).toEqual([{ field: 'personen.0.aufenthaltstitel', message: expect.any(String) }]);
      // Added again, the second person starts without a file.
      const again = await put(id, { personen: GEWERBE.personen });
      expect(json(again).application.answers.personen[1].aufenthaltstitel).toBeUndefined();
    });
  });

  describe('the HTML form, without JavaScript', () => {
    const page = (id: string) => `/antraege/${id}/schritt/personenSeite`;
    const csrfOf = async (id: string) => {
      const shown = await get(portal.port, page(id), host, { cookie: citizen.cookie });
      expect(shown.status).toBe(200);
      expect(shown.body).toContain('enctype="multipart/form-data"');
      return /name="_csrf" value="([^"]+)"/.exec(shown.body)![1];
    };
    const entryFields = (i: number, p: ReturnType<typeof person>) => ({
      [`personen.${i}.familienname`]: p.familienname,
      [`personen.${i}.vornamen`]: p.vornamen,
      [`personen.${i}.geschlecht`]: p.geschlecht,
      [`personen.${i}.geburtsdatum`]: p.geburtsdatum,
      [`personen.${i}.geburtsort`]: p.geburtsort,
      [`personen.${i}.staatsangehoerigkeit`]: p.staatsangehoerigkeit,
      [`personen.${i}.euBuerger`]: p.euBuerger,
      [`personen.${i}.wohnanschrift.street`]: p.wohnanschrift.street,
      [`personen.${i}.wohnanschrift.houseNumber`]: p.wohnanschrift.houseNumber,
      [`personen.${i}.wohnanschrift.postalCode`]: p.wohnanschrift.postalCode,
      [`personen.${i}.wohnanschrift.city`]: p.wohnanschrift.city,
    });
    const post = async (id: string, fields: Record<string, string>, files: Parameters<typeof multipart>[1] = {}) => {
      const { body, contentType } = multipart({ _csrf: await csrfOf(id), ...fields }, files);
      return sendBody(portal.port, 'POST', page(id), host, body, {
        cookie: citizen.cookie,
        'content-type': contentType,
      });
    };

    it("uploads the file of a group's entry with the page's post, and shows it in its entry", async () => {
      const id = await start('gewerbeanzeige');
      await put(id, { ...GEWERBE, personen: [] });
      const shown = await get(portal.port, page(id), host, { cookie: citizen.cookie });
      expect(shown.body).toContain('name="personen.0.aufenthaltstitel" type="file"');
      const fields = {
        'personen._count': '2',
        ...entryFields(0, GEWERBE.personen[0]),
        ...entryFields(1, GEWERBE.personen[1]),
        _action: 'upload:personen.1.aufenthaltstitel',
      };
      const posted = await post(id, fields, {
        'personen.0.aufenthaltstitel': { filename: '', bytes: Buffer.alloc(0) },
        'personen.1.aufenthaltstitel': { filename: 'titel-yilmaz.pdf', bytes: PDF },
      });
      expect(posted.status).toBe(200);
      expect(posted.body).toContain('titel-yilmaz.pdf');
      const answers = (await view(id)).answers;
      expect(answers.personen[0].aufenthaltstitel).toBeUndefined();
      expect(answers.personen[1].aufenthaltstitel).toHaveLength(1);

      // Moving on asks for the first person's permit at its field.
      const next = await post(id, {
        'personen._count': '2',
        ...entryFields(0, GEWERBE.personen[0]),
        ...entryFields(1, GEWERBE.personen[1]),
        'personen.1.aufenthaltstitel': answers.personen[1].aufenthaltstitel[0],
        _action: 'next',
      });
      expect(next.status).toBe(422);
      expect(next.body).toContain('href="#field-personen-0-aufenthaltstitel"');
      expect(next.body).not.toContain('href="#field-personen-1-aufenthaltstitel"');
    });

    it('moves the files of later entries up with their entry when one is removed', async () => {
      const id = await start('gewerbeanzeige');
      await put(id, GEWERBE);
      const first = json(await upload(portal, citizen, id, 'personen.0.aufenthaltstitel', 'a.pdf', PDF)).id;
      const second = json(await upload(portal, citizen, id, 'personen.1.aufenthaltstitel', 'b.pdf', PDF)).id;
      const removed = await post(id, {
        'personen._count': '2',
        ...entryFields(0, GEWERBE.personen[0]),
        ...entryFields(1, GEWERBE.personen[1]),
        'personen.0.aufenthaltstitel': first,
        'personen.1.aufenthaltstitel': second,
        _action: 'remove:personen.0',
      });
      expect(removed.status).toBe(200);
      const answers = (await view(id)).answers;
      expect(answers.personen).toHaveLength(1);
      expect(answers.personen[0]).toMatchObject({ familienname: 'Yılmaz', aufenthaltstitel: [second] });
      // The removed person's file is gone: naming it removes nothing.
      expect((await api('DELETE', `/api/v1/applications/${id}/attachments/${first}`)).status).toBe(404);

      const summary = await get(portal.port, `/antraege/${id}/zusammenfassung`, host, { cookie: citizen.cookie });
      expect(summary.status).toBe(200);
      expect(summary.body).toMatch(/Person 1: Aufenthaltstitel[^<]*<\/dt>\s*<dd[^>]*>[\s\S]*?b\.pdf/);
    });
  });

  describe('the Meldebescheinigung for a child', () => {
    it('takes the custody document of the child group and submits with it', async () => {
      const id = await start('meldebescheinigung');
      const saved = await put(id, {
        art: 'einfach',
        fuerWen: 'kind',
        vorname: 'Ayşe',
        nachname: 'Demir',
        geburtsdatum: '1988-04-12',
        anschrift: { street: 'Kaiserwall', houseNumber: '12', postalCode: '45657', city: 'Recklinghausen' },
        email: 'ayse.demir@example.org',
        kindVorname: 'Elif',
        kindNachname: 'Demir',
        kindGeburtsdatum: '2015-02-03',
        zustellart: 'elektronisch',
        versicherung: true,
      });
      expect(json(saved).errors).toEqual([]);
      const uploaded = await upload(portal, citizen, id, 'sorgerecht', 'sorgerecht.pdf', PDF);
      expect(uploaded.status).toBe(201);
      expect(json(uploaded).field).toBe('sorgerecht');
      const submitted = await api('POST', `/api/v1/applications/${id}/submit`);
      expect(submitted.status).toBe(200);
      expect(json(submitted).answers.sorgerecht).toEqual([json(uploaded).id]);
    });
  });

  it('answers any field path with 201 or a 4xx, never a 5xx', async () => {
    const id = await start('gewerbeanzeige');
    await put(id, GEWERBE);
    const segment = fc.oneof(
      fc.constantFrom('personen', 'aufenthaltstitel', 'registerauszug', '__proto__', 'constructor', '0', '1', '9'),
      fc.constantFrom('10', '01', '-1', '1e3', '9999999999999999999999', '', ' ', '%00', '\u0000', 'ä'),
      fc.string({ maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.array(segment, { minLength: 1, maxLength: 6 }).map((parts) => parts.join('.')),
          fc.string({ maxLength: 400 }),
        ),
        async (field) => {
          // A part's name cannot hold line breaks or quotes; those are refused as malformed.
          const response = await upload(portal, citizen, id, field.replace(/[\r\n"]/g, ''), 'x.pdf', PDF);
          expect(response.status).toBeLessThan(500);
          expect([201, 400, 422]).toContain(response.status);
        },
      ),
      { numRuns: 60 },
    );
  });
});
