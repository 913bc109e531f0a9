import fc from 'fast-check';
import { Client } from 'pg';
import { TestResponse, get, send } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { gewerbe, hundesteuer } from '../support-answers';
import { Citizen, payInSandbox, registerCitizen, upload } from '../support-citizen';
import { TestSmtp, parseMail, startSmtp } from '../support-mail';
import { StaffLogin, staffSession } from '../support-staff';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (r: TestResponse) => JSON.parse(r.body) as Record<string, any>;

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/**
 * The town hall's side through the back office's API, as caseworkers use it: Recklinghausen's
 * Gewerbeamt asks a founder for a document, takes the reply, approves, and the receipt reaches the
 * citizen; decisions in the wrong state, at once, or in another office or tenant are refused
 * without effect; Düren's Steueramt registers a dog.
 */
describe('casework through the back office', () => {
  let smtp: TestSmtp;
  let portal: TestPortal;
  let citizen: Citizen;
  let gewerbeamt: StaffLogin;
  let colleague: StaffLogin;
  let buergerbuero: StaffLogin;
  let admin: StaffLogin;
  let gelsenkirchen: StaffLogin;
  let steueramt: StaffLogin;

  beforeAll(async () => {
    smtp = await startSmtp();
    portal = await startTestPortal({ smtpUrl: smtp.url });
    citizen = await registerCitizen(portal, smtp, 'recklinghausen.localhost', 'gruenderin@example.org');
    gewerbeamt = await staffSession(portal, 'recklinghausen', 'gewerbe1@recklinghausen.de', 'caseworker', [
      'gewerbeamt',
    ]);
    colleague = await staffSession(portal, 'recklinghausen', 'gewerbe2@recklinghausen.de', 'caseworker', [
      'gewerbeamt',
    ]);
    buergerbuero = await staffSession(portal, 'recklinghausen', 'buero@recklinghausen.de', 'caseworker', [
      'buergerbuero',
    ]);
    admin = await staffSession(portal, 'recklinghausen', 'admin@recklinghausen.de', 'tenant-admin');
    gelsenkirchen = await staffSession(portal, 'gelsenkirchen', 'gewerbe@gelsenkirchen.de', 'caseworker', [
      'gewerbeamt',
    ]);
    steueramt = await staffSession(portal, 'dueren', 'steuer@dueren.de', 'caseworker', ['steueramt']);
  });

  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
  });

  const staffCall = (tenant: string, who: StaffLogin | undefined, method: string, path: string, body?: unknown) =>
    send(portal.port, method, path, `${tenant}.localhost`, body, {
      ...(who ? { cookie: who.cookie } : {}),
      ...(method === 'GET' ? {} : { origin: `http://${tenant}.localhost` }),
    });
  const decide = (who: StaffLogin, id: string, body: unknown, tenant = 'recklinghausen') =>
    staffCall(tenant, who, 'POST', `/api/v1/backoffice/applications/${id}/decision`, body);
  const citizenCall = (who: Citizen, method: string, path: string, body?: unknown) =>
    send(portal.port, method, path, who.host, body, { cookie: who.cookie });
  const mailTo = (email: string, subject: RegExp) =>
    eventually(() =>
      Promise.resolve(
        smtp.received
          .filter((m) => m.to.includes(email))
          .map((m) => parseMail(m.raw))
          .find((m) => subject.test(m.subject)),
      ),
    );
  const citizenView = async (who: Citizen, id: string) =>
    json(await citizenCall(who, 'GET', `/api/v1/applications/${id}`));

  /** A service applied for, submitted and (where it costs) paid: waiting for the office. */
  async function inReview(who: Citizen, serviceKey: string, answers: Record<string, unknown>): Promise<string> {
    const started = await citizenCall(who, 'POST', '/api/v1/applications', { serviceKey });
    expect(started.status).toBe(201);
    const id = json(started).id as string;
    expect(json(await citizenCall(who, 'PUT', `/api/v1/applications/${id}/answers`, { answers })).errors).toEqual([]);
    const submitted = json(await citizenCall(who, 'POST', `/api/v1/applications/${id}/submit`));
    if (submitted.payment?.redirectUrl) await payInSandbox(portal, submitted.payment.redirectUrl as string);
    await eventually(async () => (await citizenView(who, id)).status === 'in_review', 30_000);
    return id;
  }

  it('takes a Gewerbeanzeige from the inbox through a request for information to the receipt', async () => {
    const id = await inReview(citizen, 'gewerbeanzeige', gewerbe(citizen.email));

    // In the Gewerbeamt's inbox, newest on top, with the founder's name; not in the Bürgerbüro's.
    const inbox = json(await staffCall('recklinghausen', gewerbeamt, 'GET', '/api/v1/backoffice/applications'));
    expect(inbox.items[0]).toMatchObject({ id, status: 'in_review', office: { id: 'gewerbeamt' } });
    expect(inbox.items[0].applicant).toEqual({ name: 'Erika Mustermann', email: citizen.email });
    expect(inbox.counts.in_review).toBe(1);
    const other = json(await staffCall('recklinghausen', buergerbuero, 'GET', '/api/v1/backoffice/applications'));
    expect(other.items).toEqual([]);
    expect(
      (await staffCall('recklinghausen', buergerbuero, 'GET', `/api/v1/backoffice/applications/${id}`)).status,
    ).toBe(404);
    expect(
      (await staffCall('recklinghausen', buergerbuero, 'GET', '/api/v1/backoffice/applications?office=gewerbeamt'))
        .status,
    ).toBe(403);

    // The detail: the answers under the form's own labels, the payment, the history.
    const detail = json(await staffCall('recklinghausen', gewerbeamt, 'GET', `/api/v1/backoffice/applications/${id}`));
    const rows = detail.answers.flatMap((p: { rows: { label: string; lines: string[] }[] }) => p.rows);
    expect(rows.find((r: { lines: string[] }) => r.lines.includes('Einzelhandel mit Büchern'))).toBeDefined();
    expect(detail.payment).toMatchObject({ status: 'PAYED' });
    expect(detail.history.map((h: { action: string }) => h.action)).toContain('application.status');

    // Missing reason: 422 naming the field; nothing changes.
    const noReason = await decide(gewerbeamt, id, { decision: 'request_info', message: '' });
    expect(noReason.status).toBe(422);
    expect(json(noReason).errors[0].field).toBe('message');
    expect((await citizenView(citizen, id)).status).toBe('in_review');

    const asked = await decide(gewerbeamt, id, {
      decision: 'request_info',
      message: 'Bitte reichen Sie den Mietvertrag der Betriebsräume nach.',
    });
    expect(asked.status).toBe(200);
    expect(json(asked).status).toBe('needs_info');
    const question = await mailTo(citizen.email, /Rückfrage/);
    expect(question.text).toContain('Mietvertrag');
    // Asked again while the request is open: refused, naming what stands.
    const again = await decide(colleague, id, { decision: 'approve', message: '' });
    expect(again.status).toBe(409);

    // The citizen answers with a file; the application is back in the inbox.
    expect((await upload(portal, citizen, id, 'nachreichung', 'mietvertrag.pdf', PDF)).status).toBe(201);
    const replied = await citizenCall(citizen, 'POST', `/api/v1/applications/${id}/reply`, {
      message: 'Der Mietvertrag liegt bei.',
    });
    expect(json(replied).status).toBe('in_review');
    const back = json(await staffCall('recklinghausen', gewerbeamt, 'GET', `/api/v1/backoffice/applications/${id}`));
    expect(back.status).toBe('in_review');
    const file = back.attachments.find((a: { field: string }) => a.field === 'nachreichung');
    expect(file).toMatchObject({ filename: 'mietvertrag.pdf' });
    expect(back.messages.map((m: { sender: string }) => m.sender)).toContain('citizen');

    // The file comes as a download, never rendered; the look is audited.
    const download = await staffCall(
      'recklinghausen',
      gewerbeamt,
      'GET',
      `/api/v1/backoffice/applications/${id}/attachments/${file.id}`,
    );
    expect(download.status).toBe(200);
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect(download.headers['content-disposition']).toBe('attachment; filename="mietvertrag.pdf"');
    expect(download.headers['content-security-policy']).toContain('sandbox');

    // An internal note stays with the office.
    await staffCall('recklinghausen', gewerbeamt, 'POST', `/api/v1/backoffice/applications/${id}/notes`, {
      body: 'Mietvertrag geprüft, in Ordnung.',
    });
    expect(JSON.stringify(await citizenView(citizen, id))).not.toContain('Mietvertrag geprüft');

    const approved = await decide(gewerbeamt, id, { decision: 'approve', message: 'Alles in Ordnung.' });
    expect(approved.status).toBe(200);
    const done = await eventually(async () => {
      const view = await citizenView(citizen, id);
      return view.status === 'completed' && view.documents.length > 0 ? view : undefined;
    }, 30_000);
    expect(done.documents[0].verifyCode).toMatch(/\S+/);
    // The receipt comes by e-mail as a PDF, too.
    const receipt = await mailTo(citizen.email, /Empfangsbescheinigung/);
    const pdf = receipt.parts.find((p) => p.contentType === 'application/pdf');
    expect(pdf?.content.subarray(0, 5).toString()).toBe('%PDF-');
    const verify = await get(portal.port, `/verify/${done.documents[0].verifyCode}`, 'recklinghausen.localhost');
    expect(verify.status).toBe(200);

    // Replayed: the decision that stands is named, nothing happens twice.
    const replay = await decide(gewerbeamt, id, { decision: 'approve', message: '' });
    expect(replay.status).toBe(409);

    // The trail holds who looked at the data and who decided.
    const trail = json(await staffCall('recklinghausen', admin, 'GET', `/api/v1/backoffice/audit?action=application.`));
    const mine = trail.entries.filter((e: { subject: string }) => e.subject === `application:${id}`);
    expect(mine.map((e: { action: string }) => e.action)).toEqual(
      expect.arrayContaining(['application.viewed', 'application.file_viewed', 'application.status']),
    );
  });

  it('lets one of two decisions at once stand and refuses the other with 409 naming it', async () => {
    const id = await inReview(citizen, 'gewerbeanzeige', gewerbe(citizen.email));
    const [a, b] = await Promise.all([
      decide(gewerbeamt, id, { decision: 'approve', message: '' }),
      decide(colleague, id, { decision: 'reject', message: 'Betrieb ist nicht anzeigefähig.' }),
    ]);
    const statuses = [a.status, b.status].sort();
    expect(statuses).toEqual([200, 409]);
    const lost = a.status === 409 ? a : b;
    const won = a.status === 200 ? json(a) : json(b);
    expect(json(lost).code).toBe('workflow.already_decided');
    expect(json(lost).message).toContain(won.status === 'rejected' ? 'rejected' : 'approved');
  });

  it('rejects a paid application with reasons and records the refund that is due', async () => {
    const id = await inReview(citizen, 'gewerbeanzeige', gewerbe(citizen.email));
    const rejected = await decide(gewerbeamt, id, {
      decision: 'reject',
      message: 'Für diese Tätigkeit ist eine Erlaubnis nötig.',
    });
    expect(json(rejected).status).toBe('rejected');
    const mail = await eventually(() =>
      Promise.resolve(
        smtp.received
          .map((m) => parseMail(m.raw))
          .find((m) => /abgelehnt/i.test(m.subject) && m.text.includes('Erlaubnis')),
      ),
    );
    expect(mail.text).toContain('erstattet');
    const detail = json(await staffCall('recklinghausen', gewerbeamt, 'GET', `/api/v1/backoffice/applications/${id}`));
    expect(detail.payment.refund).toBeTruthy();
  });

  it('assigns to a colleague and forwards to another office, which then has it alone', async () => {
    const id = await inReview(citizen, 'gewerbeanzeige', gewerbe(citizen.email));
    const members = json(await staffCall('recklinghausen', admin, 'GET', '/api/v1/backoffice/staff'));
    const colleagueId = (members.items ?? members).find((m: { email: string }) => m.email === colleague.email).id;
    const bueroId = (members.items ?? members).find((m: { email: string }) => m.email === buergerbuero.email).id;
    const assigned = await staffCall(
      'recklinghausen',
      gewerbeamt,
      'POST',
      `/api/v1/backoffice/applications/${id}/assignment`,
      {
        assignee: colleagueId,
      },
    );
    expect(assigned.status).toBe(200);
    const mine = json(
      await staffCall('recklinghausen', colleague, 'GET', '/api/v1/backoffice/applications?assignee=me'),
    ).items.map((i: { id: string }) => i.id);
    expect(mine).toContain(id);
    // A colleague of another office cannot be given it.
    const wrong = await staffCall(
      'recklinghausen',
      gewerbeamt,
      'POST',
      `/api/v1/backoffice/applications/${id}/assignment`,
      {
        assignee: bueroId,
      },
    );
    expect(wrong.status).toBe(422);
    expect(json(wrong).errors[0].field).toBe('assignee');
    const unknownOffice = await staffCall(
      'recklinghausen',
      gewerbeamt,
      'POST',
      `/api/v1/backoffice/applications/${id}/assignment`,
      { office: 'mond' },
    );
    expect(unknownOffice.status).toBe(422);

    const forwarded = await staffCall(
      'recklinghausen',
      gewerbeamt,
      'POST',
      `/api/v1/backoffice/applications/${id}/assignment`,
      {
        office: 'buergerbuero',
      },
    );
    expect(json(forwarded)).toEqual({ id, office: 'buergerbuero', assigneeId: null });
    expect((await staffCall('recklinghausen', gewerbeamt, 'GET', `/api/v1/backoffice/applications/${id}`)).status).toBe(
      404,
    );
    const theirs = json(
      await staffCall('recklinghausen', buergerbuero, 'GET', `/api/v1/backoffice/applications/${id}`),
    );
    expect(theirs.history.map((h: { action: string }) => h.action)).toEqual(
      expect.arrayContaining(['application.assigned', 'application.forwarded']),
    );
  });

  it('keeps other tenants and sessions out of decisions, without effect', async () => {
    const id = await inReview(citizen, 'gewerbeanzeige', gewerbe(citizen.email));
    // Gelsenkirchen's caseworker, with Gelsenkirchen's session, on either host.
    expect((await decide(gelsenkirchen, id, { decision: 'approve', message: '' }, 'gelsenkirchen')).status).toBe(404);
    expect((await decide(gelsenkirchen, id, { decision: 'approve', message: '' })).status).toBe(401);
    // No session; a citizen's session.
    expect((await decide(undefined as never, id, { decision: 'approve', message: '' })).status).toBe(401);
    const asCitizen = await send(
      portal.port,
      'POST',
      `/api/v1/backoffice/applications/${id}/decision`,
      'recklinghausen.localhost',
      { decision: 'approve', message: '' },
      { cookie: citizen.cookie, origin: 'http://recklinghausen.localhost' },
    );
    expect(asCitizen.status).toBe(401);
    expect((await citizenView(citizen, id)).status).toBe('in_review');
  });

  it('answers any decision, assignment or note body with a 2xx or a 4xx, never a 5xx', async () => {
    const id = await inReview(citizen, 'gewerbeanzeige', gewerbe(citizen.email));
    const anything = fc.oneof(
      fc.string({ maxLength: 80 }),
      fc.constantFrom(
        'approve',
        'reject',
        'request_info',
        '',
        null,
        0,
        true,
        [],
        {},
        '2026-02-30',
        '\u0000',
        'x'.repeat(6000),
      ),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('decision', 'assignment', 'notes'),
        fc.dictionary(fc.constantFrom('decision', 'message', 'dispatchDate', 'assignee', 'office', 'body'), anything),
        async (route, body) => {
          // Never a valid approval, so the application stays where it is for the next run.
          if (route === 'decision' && body.decision === 'approve') body.decision = 'approve!';
          if (route === 'decision' && body.decision === 'reject') delete body.message;
          if (route === 'decision' && body.decision === 'request_info') delete body.message;
          const response = await staffCall(
            'recklinghausen',
            gewerbeamt,
            'POST',
            `/api/v1/backoffice/applications/${id}/${route}`,
            body,
          );
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
    expect((await citizenView(citizen, id)).status).toBe('in_review');
  });

  it('answers any malformed reply of a citizen with a 4xx, never a 5xx, and keeps the request open', async () => {
    const id = await inReview(citizen, 'gewerbeanzeige', gewerbe(citizen.email));
    await decide(gewerbeamt, id, { decision: 'request_info', message: 'Bitte den Pass nachreichen.' });
    const invalidMessage = fc.oneof(
      fc.constantFrom(undefined, null, 0, true, [], {}, '', '   ', '\u0000', 'x'.repeat(5001)),
      fc.array(fc.string(), { maxLength: 3 }),
    );
    await fc.assert(
      fc.asyncProperty(
        invalidMessage,
        fc.dictionary(fc.constantFrom('text', 'files', 'nachricht', 'constructor'), fc.string()),
        async (message, extra) => {
          const body = message === undefined ? extra : { ...extra, message };
          const response = await citizenCall(citizen, 'POST', `/api/v1/applications/${id}/reply`, body);
          expect(response.status).toBeGreaterThanOrEqual(400);
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
    expect((await citizenView(citizen, id)).status).toBe('needs_info');
  });

  it('registers a dog in Düren: the Steueramt approves and the tax mark confirmation is issued', async () => {
    const keeper = await registerCitizen(portal, smtp, 'dueren.localhost', 'hundehalterin@example.org');
    const id = await inReview(keeper, 'hundesteuer', hundesteuer(keeper.email));
    const inbox = json(
      await staffCall('dueren', steueramt, 'GET', '/api/v1/backoffice/applications?service=hundesteuer'),
    );
    expect(inbox.items.map((i: { id: string }) => i.id)).toEqual([id]);
    const approved = await decide(steueramt, id, { decision: 'approve', message: '' }, 'dueren');
    expect(approved.status).toBe(200);
    const done = await eventually(async () => {
      const view = await citizenView(keeper, id);
      return view.status === 'completed' && view.documents.length > 0 ? view : undefined;
    }, 30_000);
    expect(done.documents[0].title).toMatch(/Hundesteuer|Steuermarke|Anmeldebestätigung/);
    // Recklinghausen's caseworker never sees Düren's application.
    expect((await staffCall('recklinghausen', gewerbeamt, 'GET', `/api/v1/backoffice/applications/${id}`)).status).toBe(
      404,
    );
    const client = new Client({ connectionString: portal.db.appUrl });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(
        `select set_config('app.tenant_id', (select id::text from public.tenants where slug = 'recklinghausen'), true)`,
      );
      const { rows } = await client.query(`select count(*)::int as n from public.applications where id = $1`, [id]);
      expect(rows[0].n).toBe(0);
      await client.query('rollback');
    } finally {
      await client.end();
    }
  });
});
