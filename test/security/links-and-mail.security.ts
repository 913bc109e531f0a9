import { TenantTransactions } from '@openrathaus/database';
import { TenantRegistry } from '@openrathaus/tenancy';
import { TestResponse, get, pdfQrText, pdfText, postForm, send } from '@openrathaus/testing';
import { request } from 'node:http';
import { Client } from 'pg';
import { TestPortal, eventually, startTestPortal } from '../support';
import { Citizen, cookiesOf, registerCitizen, upload } from '../support-citizen';
import { ParsedMail, TestSmtp, parseMail, startSmtp } from '../support-mail';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
// A Host header with a port the portal does not listen on: nothing of it may reach a link.
const FORGED = 'recklinghausen.localhost:1';
const EVIL = 'www.evil.example/login';
const VICTIM = 'victim@example.org';

/** The bytes of a GET (the harness's helpers read bodies as text). */
const bytesOf = (port: number, path: string, host: string, cookie: string): Promise<Uint8Array> =>
  new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, headers: { host, cookie } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (response: TestResponse) => JSON.parse(response.body) as Record<string, any>;

describe('links come from the tenant; mail goes to confirmed addresses only', () => {
  let smtp: TestSmtp;
  let portal: TestPortal;
  let real: string;
  let params: { zones: string[]; postalCodes: string[] };

  const answers = (vorname: string) => ({
    vorname,
    nachname: 'http://evil.example/x',
    geburtsdatum: '1980-05-17',
    anschrift: { street: 'Rathausplatz', houseNumber: '3', postalCode: params.postalCodes[0], city: 'Stadt' },
    // Typed into the form: data, not a recipient.
    email: VICTIM,
    kennzeichen: 're-ab 123',
    halter: 'eigen',
    zone: params.zones[0],
    versicherung: true,
    datenschutz: true,
  });

  const api = (citizen: Citizen, method: string, path: string, body?: unknown) =>
    send(portal.port, method, path, citizen.host, body, { cookie: citizen.cookie });

  /** A submitted Bewohnerparkausweis of `citizen`, every request on the citizen's host. */
  const submit = async (citizen: Citizen, vorname: string) => {
    const id = json(await api(citizen, 'POST', '/api/v1/applications', { serviceKey: 'bewohnerparkausweis' }))
      .id as string;
    await api(citizen, 'PUT', `/api/v1/applications/${id}/answers`, { answers: answers(vorname) });
    expect((await upload(portal, citizen, id, 'zulassung', 'z.pdf', PDF)).status).toBe(201);
    const submitted = await api(citizen, 'POST', `/api/v1/applications/${id}/submit`);
    expect(submitted.status).toBe(200);
    return json(submitted);
  };

  const mailsTo = (address: string): ParsedMail[] =>
    smtp.received.filter((m) => m.to.includes(address)).map((m) => parseMail(m.raw));

  const history = (applicationId: string) =>
    portal.app
      .get(TenantTransactions)
      .run(portal.app.get(TenantRegistry).get('recklinghausen')!.id, (scope) =>
        scope.query<{ action: string; data: Record<string, unknown> }>(
          `select action, data from public.audit_log where subject = $1 order by created_at`,
          [`application:${applicationId}`],
        ),
      );

  beforeAll(async () => {
    smtp = await startSmtp();
    portal = await startTestPortal({ smtpUrl: smtp.url });
    real = `recklinghausen.localhost:${portal.port}`;
    params = json(await get(portal.port, '/api/v1/services/bewohnerparkausweis', FORGED)).parameters;
  });

  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
  });

  describe('a journey sent entirely with a forged Host port', () => {
    let citizen: Citizen;
    let id: string;
    let done: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

    beforeAll(async () => {
      citizen = await registerCitizen(portal, smtp, FORGED, 'erika.links@example.org');
    });

    it('puts the real port into the verification mail', () => {
      const [verify] = mailsTo(citizen.email);
      expect(verify.text).toContain(`http://${real}/konto/bestaetigen?token=`);
      expect(verify.text + verify.html).not.toContain('localhost:1/');
    });

    it('sends the payment provider back to the real port, and the pay page returns there', async () => {
      const submitted = await submit(citizen, EVIL);
      id = submitted.id as string;
      expect(submitted.status).toBe('payment_pending');
      const redirect = new URL(submitted.payment.redirectUrl as string);
      expect(redirect.host).toBe(real);
      // The citizen's browser stays on the forged host for the pay page too.
      const page = await get(portal.port, redirect.pathname, FORGED);
      expect(page.status).toBe(200);
      expect(page.body).not.toContain('localhost:1/');
      const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1];
      const paid = await postForm(
        portal.port,
        redirect.pathname,
        FORGED,
        { csrf, action: 'pay' },
        {
          cookie: cookiesOf(page),
        },
      );
      expect(paid.status).toBe(303);
      expect(String(paid.headers.location)).toMatch(new RegExp(`^http://${real}/antraege/${id}/zahlung`));
      await get(portal.port, `/antraege/${id}/zahlung`, FORGED, { cookie: citizen.cookie });
      done = await eventually(async () => {
        const view = json(await api(citizen, 'GET', `/api/v1/applications/${id}`));
        return view.status === 'completed' && view.documents.length ? view : undefined;
      }, 30_000);
    });

    it('names the real port in the receipt and the confirmation, text and HTML', async () => {
      const mails = await eventually(() => {
        const found = mailsTo(citizen.email).filter((m) => m.subject.includes(done.number as string));
        return Promise.resolve(found.length >= 2 ? found : undefined);
      });
      const receipt = mails.find((m) => m.subject.includes('eingegangen'))!;
      expect(receipt.text).toContain(`http://${real}/antraege/${id}`);
      expect(receipt.html).toContain(`href="http://${real}/antraege/${id}"`);
      for (const mail of mails) expect(mail.text + mail.html).not.toMatch(/localhost:1\b/);
    });

    it("prints the real port into the PDF's QR code and verification hint", async () => {
      const document = done.documents[0];
      const bytes = await bytesOf(portal.port, document.url as string, FORGED, citizen.cookie);
      expect(Buffer.from(bytes.subarray(0, 5)).toString()).toBe('%PDF-');
      expect(await pdfQrText(bytes)).toBe(`http://${real}/verify/${document.verifyCode}`);
      const text = (await pdfText(bytes)).join(' ').replace(/\s+/g, ' ');
      expect(text).not.toMatch(/localhost:1\b/);
    });

    it('sends nothing to an address typed into the form, only to the confirmed one', () => {
      expect(mailsTo(VICTIM)).toEqual([]);
      expect(mailsTo(citizen.email).some((m) => m.parts.some((p) => p.contentType === 'application/pdf'))).toBe(true);
    });

    it('shows an address typed into the form as text, never as a link', () => {
      const confirmation = mailsTo(citizen.email).find((m) =>
        m.parts.some((p) => p.contentType === 'application/pdf'),
      )!;
      const receipt = mailsTo(citizen.email).find((m) => m.subject.includes('eingegangen'))!;
      for (const mail of [confirmation, receipt]) {
        const visible = mail.html.replaceAll('\u2060', '');
        // Still there for the reader …
        expect(visible).toContain(EVIL);
        // … but no link around it, and broken for the auto-linkers of mail clients.
        expect(mail.html).not.toMatch(/www\.evil|evil\.example|http:\/\/evil/);
        expect(mail.text).not.toMatch(/www\.evil|evil\.example|http:\/\/evil/);
        const anchors = mail.html.match(/<a\b[^>]*>[\s\S]*?<\/a>/g) ?? [];
        expect(anchors.filter((a) => a.replaceAll('\u2060', '').includes('evil'))).toEqual([]);
      }
    });
  });

  it('sends no mail about an application whose account has no confirmed address, and says so in its history', async () => {
    const citizen = await registerCitizen(portal, smtp, FORGED, 'unconfirmed@example.org');
    const owner = new Client({ connectionString: portal.db.ownerUrl });
    await owner.connect();
    try {
      // The address lost its confirmation after the login (e.g. changed and not yet confirmed again).
      await owner.query(`update public.citizen_accounts set email_verified_at = null where email = $1`, [
        citizen.email,
      ]);
    } finally {
      await owner.end();
    }
    const before = smtp.received.length;
    const submitted = await submit(citizen, 'Erika');
    expect(submitted.status).toBe('payment_pending');
    const entries = await history(submitted.id as string);
    expect(entries).toContainEqual({
      action: 'application.mail_withheld',
      data: { mail: 'application-submitted', reason: 'no_verified_address' },
    });
    // Nothing queued, so nothing is counted as sent; and nothing reached anyone.
    const owner2 = new Client({ connectionString: portal.db.ownerUrl });
    await owner2.connect();
    try {
      const { rows } = await owner2.query(`select 1 from public.mails where application_id = $1`, [submitted.id]);
      expect(rows).toEqual([]);
    } finally {
      await owner2.end();
    }
    await new Promise((r) => setTimeout(r, 500));
    expect(smtp.received.slice(before).filter((m) => m.to.includes(VICTIM) || m.to.includes(citizen.email))).toEqual(
      [],
    );
  });
});
