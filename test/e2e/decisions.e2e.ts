import { Client } from 'pg';
import { DomainError } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { TestResponse, get, postForm, send, sendBody } from '@openrathaus/testing';
import { CaseworkSweepHandler, DecisionInput, Workflow } from '@openrathaus/workflow';
import { TestPortal, eventually, startTestPortal } from '../support';
import { Citizen, payInSandbox, registerCitizen, upload } from '../support-citizen';
import { TestSmtp, parseMail, startSmtp } from '../support-mail';
import { gewerbe, hundesteuer } from '../support-answers';

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

// Answers are read loosely; the assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (response: TestResponse) => JSON.parse(response.body) as Record<string, any>;

const STAFF = { id: '7f1b7c5e-8d5a-4c55-9d4e-2b8b0c6f1a01', email: 'sachbearbeitung@example.org' };

describe('decisions on applications and the citizen’s side of them', () => {
  let smtp: TestSmtp;
  let portal: TestPortal;
  let workflow: Workflow;
  let citizen: Citizen;
  let recklinghausen: Tenant;

  beforeAll(async () => {
    smtp = await startSmtp();
    portal = await startTestPortal({ smtpUrl: smtp.url });
    workflow = portal.app.get(Workflow);
    recklinghausen = portal.app.get(TenantRegistry).get('recklinghausen')!;
    citizen = await registerCitizen(portal, smtp, 'recklinghausen.localhost', 'gewerbe@example.org');
  });

  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
  });

  const api = (who: Citizen, method: string, path: string, body?: unknown) =>
    send(portal.port, method, path, who.host, body, { cookie: who.cookie });

  const view = async (who: Citizen, id: string) => json(await api(who, 'GET', `/api/v1/applications/${id}`));

  const until = (who: Citizen, id: string, status: string) =>
    eventually(async () => {
      const current = await view(who, id);
      return current.status === status ? current : undefined;
    }, 30_000);

  const audit = (tenant: Tenant, id: string) =>
    portal.app
      .get(TenantTransactions)
      .run(tenant.id, (scope) =>
        scope.query<{ action: string; actor: string | null; data: Record<string, unknown> }>(
          `select action, actor, data from public.audit_log where subject = $1 order by created_at, id`,
          [`application:${id}`],
        ),
      );

  const mailTo = (email: string, subject: RegExp) =>
    eventually(() =>
      Promise.resolve(
        smtp.received
          .filter((m) => m.to.includes(email))
          .map((m) => parseMail(m.raw))
          .find((m) => subject.test(m.subject)),
      ),
    );

  /** A Gewerbeanzeige submitted, paid and waiting in review. */
  async function gewerbeInReview(who = citizen): Promise<string> {
    const started = await api(who, 'POST', '/api/v1/applications', { serviceKey: 'gewerbeanzeige' });
    expect(started.status).toBe(201);
    const id = json(started).id as string;
    expect(json(started).definition.version).toBe('1.2.0');
    const saved = await api(who, 'PUT', `/api/v1/applications/${id}/answers`, { answers: gewerbe(who.email) });
    expect(json(saved).errors).toEqual([]);
    const submitted = json(await api(who, 'POST', `/api/v1/applications/${id}/submit`));
    expect(submitted.status).toBe('payment_pending');
    await payInSandbox(portal, submitted.payment.redirectUrl as string);
    await until(who, id, 'in_review');
    return id;
  }

  const decide = (id: string, input: Partial<DecisionInput>, tenant = recklinghausen) =>
    workflow.decide(tenant, id, { actor: STAFF, message: '', ...input } as DecisionInput);

  const refused = async (promise: Promise<unknown>) => {
    const error = await promise.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DomainError);
    return error as DomainError;
  };

  it('asks for information, takes the reply with a file, approves and issues the receipt', async () => {
    const id = await gewerbeInReview();

    const empty = await refused(decide(id, { decision: 'request_info', message: '  ' }));
    expect(empty.kind).toBe('unprocessable');
    expect(empty.fields.map((f) => f.field)).toEqual(['message']);
    const long = await refused(decide(id, { decision: 'reject', message: 'x'.repeat(5001) }));
    expect(long.fields).toEqual([expect.objectContaining({ field: 'message', key: 'too_long' })]);

    // Nothing is uploaded for a reply while no request is open.
    expect((await upload(portal, citizen, id, 'nachreichung', 'nachweis.pdf', PDF)).status).toBe(409);

    const asked = await decide(id, {
      decision: 'request_info',
      message: 'Bitte reichen Sie den Nachweis der Betriebsräume nach.',
    });
    expect(asked.status).toBe('needs_info');
    const request = await mailTo(citizen.email, /Rückfrage zu Ihrem Antrag/);
    expect(request.text).toContain('Nachweis der Betriebsräume');
    expect(request.text).toContain(`/antraege/${id}`);
    const pending = await view(citizen, id);
    expect(pending.messages[0]).toMatchObject({ sender: 'staff' });
    expect(pending.messages[0].body).toContain('Nachweis der Betriebsräume');

    // The citizen's reply: a file first, then the text.
    const file = await upload(portal, citizen, id, 'nachreichung', 'mietvertrag.pdf', PDF);
    expect(file.status).toBe(201);
    expect(json(file)).toMatchObject({ field: 'nachreichung', mediaType: 'application/pdf' });
    expect((await api(citizen, 'POST', `/api/v1/applications/${id}/reply`, { message: '' })).status).toBe(422);
    const replied = await api(citizen, 'POST', `/api/v1/applications/${id}/reply`, {
      message: 'Der Mietvertrag liegt bei.',
    });
    expect(replied.status).toBe(200);
    expect(json(replied).status).toBe('in_review');
    expect(json(replied).messages[0]).toMatchObject({ sender: 'citizen', body: 'Der Mietvertrag liegt bei.' });
    // No second reply: nothing is asked any more.
    expect((await api(citizen, 'POST', `/api/v1/applications/${id}/reply`, { message: 'Noch etwas' })).status).toBe(
      409,
    );
    const history = await audit(recklinghausen, id);
    const back = history.find((h) => h.data.from === 'needs_info' && h.data.to === 'in_review')!;
    expect(back.data).toMatchObject({ reply: 'Der Mietvertrag liegt bei.', files: [{ id: json(file).id }] });

    const approved = await decide(id, { decision: 'approve', message: '' });
    expect(['approved', 'completed']).toContain(approved.status);
    const done = await eventually(async () => {
      const current = await view(citizen, id);
      return current.status === 'completed' && current.documents.length ? current : undefined;
    }, 30_000);
    const moves = (await audit(recklinghausen, id)).filter((h) => h.action === 'application.status');
    expect(moves.map((m) => m.data.to)).toEqual([
      'submitted',
      'payment_pending',
      'paid',
      'in_review',
      'needs_info',
      'in_review',
      'approved',
      'completed',
    ]);
    expect(moves.find((m) => m.data.to === 'needs_info')!.actor).toBe(STAFF.id);
    expect(moves.find((m) => m.data.to === 'approved')).toMatchObject({
      actor: STAFF.id,
      data: { decision: 'approve', actorEmail: STAFF.email },
    });

    const document = done.documents[0];
    expect(document.title).toContain('Empfangsbescheinigung');
    const pdf = await get(portal.port, document.url as string, citizen.host, { cookie: citizen.cookie });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const verified = json(await get(portal.port, `/verify/${document.verifyCode}?format=json`, citizen.host));
    expect(verified).toMatchObject({ status: 'valid', number: done.number });

    // The definition's own message of approval, by mail and in the mailbox.
    const mail = await mailTo(citizen.email, new RegExp(`${done.number} ist bewilligt`));
    expect(mail.text).toContain('Empfangsbescheinigung');
    expect(done.messages.some((m: { subject: string }) => m.subject.includes('ist bewilligt'))).toBe(true);
  });

  it('records the refund of the fee when it rejects a paid application', async () => {
    const id = await gewerbeInReview();
    const rejected = await decide(id, {
      decision: 'reject',
      message: 'Die Tätigkeit ist in diesem Gebiet nicht zulässig.',
    });
    expect(rejected.status).toBe('rejected');
    expect(rejected.decidedAt).toBeTruthy();
    const current = await view(citizen, id);
    expect(current.payment).toMatchObject({ status: 'PAYED', refund: { status: 'refunded', amountCents: 2600 } });
    const actions = (await audit(recklinghausen, id)).map((h) => h.action);
    expect(actions).toContain('application.status');
    const client = new Client({ connectionString: portal.db.ownerUrl });
    await client.connect();
    try {
      const payments = await client.query(
        `select p.refund_status, p.refund_reason, p.refund_cents, s.refunded_cents
           from public.payments p join public.payment_sandbox_transactions s on s.id = p.transaction_id
          where p.application_id = $1`,
        [id],
      );
      expect(payments.rows).toEqual([
        { refund_status: 'refunded', refund_reason: 'rejected', refund_cents: 2600, refunded_cents: 2600 },
      ]);
      const trail = await client.query<{ action: string }>(
        `select action from public.audit_log where subject like 'payment:%' and data->>'applicationId' = $1
          order by created_at`,
        [id],
      );
      expect(trail.rows.map((r) => r.action)).toEqual(
        expect.arrayContaining(['payment.refund_due', 'payment.refunded']),
      );
    } finally {
      await client.end();
    }
    const mail = await mailTo(citizen.email, new RegExp(`${current.number} abgelehnt`));
    expect(mail.text).toContain('nicht zulässig');
    expect(mail.text).toContain('erstattet');
  });

  it('lets exactly one of two decisions at once stand; the other is a conflict naming it', async () => {
    const id = await gewerbeInReview();
    const outcomes = await Promise.allSettled([
      decide(id, { decision: 'approve' }),
      decide(id, { decision: 'reject', message: 'Unvollständig.' }),
    ]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    const lost = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    const error = lost[0].reason as DomainError;
    expect(error.kind).toBe('conflict');
    expect(error.code).toBe('workflow.already_decided');
    const standing = outcomes[0].status === 'fulfilled' ? 'approved' : 'rejected';
    expect(error.params).toEqual({ status: standing });
    const decisions = (await audit(recklinghausen, id)).filter(
      (h) => h.action === 'application.status' && h.data.from === 'in_review',
    );
    expect(decisions).toHaveLength(1);
  });

  it('refuses a decision in the wrong status without effect, as a conflict', async () => {
    const draft = json(await api(citizen, 'POST', '/api/v1/applications', { serviceKey: 'gewerbeanzeige' }));
    const before = await audit(recklinghausen, draft.id as string);
    const error = await refused(decide(draft.id as string, { decision: 'approve' }));
    expect(error).toMatchObject({ kind: 'conflict', code: 'workflow.not_in_review', params: { status: 'draft' } });
    expect(await audit(recklinghausen, draft.id as string)).toEqual(before);
    expect((await view(citizen, draft.id as string)).status).toBe('draft');

    const id = await gewerbeInReview();
    await decide(id, { decision: 'reject', message: 'Nicht zuständig.' });
    const again = await refused(decide(id, { decision: 'approve' }));
    expect(again).toMatchObject({ kind: 'conflict', code: 'workflow.already_decided', params: { status: 'rejected' } });
    expect((await view(citizen, id)).status).toBe('rejected');
  });

  it('approves a Hundesteuer registration in Düren with its tax mark confirmation', async () => {
    const dueren = portal.app.get(TenantRegistry).get('dueren')!;
    const keeper = await registerCitizen(portal, smtp, 'dueren.localhost', 'hund@example.org');
    const started = json(await api(keeper, 'POST', '/api/v1/applications', { serviceKey: 'hundesteuer' }));
    expect(started.definition).toMatchObject({ owner: 'dueren', key: 'hundesteuer', version: '1.3.0' });
    const id = started.id as string;
    const saved = await api(keeper, 'PUT', `/api/v1/applications/${id}/answers`, {
      answers: hundesteuer(keeper.email),
    });
    expect(json(saved).errors).toEqual([]);
    const submitted = json(await api(keeper, 'POST', `/api/v1/applications/${id}/submit`));
    // The acknowledgement of receipt goes out first, in the worker; then the Steueramt has it.
    expect(['submitted', 'in_review']).toContain(submitted.status);
    await until(keeper, id, 'in_review');
    await decide(id, { decision: 'approve' }, dueren);
    const done = await eventually(async () => {
      const current = await view(keeper, id);
      return current.status === 'completed' && current.documents.length ? current : undefined;
    }, 30_000);
    expect(done.documents[0].title).toBe('Anmeldebestätigung Hundesteuer');
    const verified = json(await get(portal.port, `/verify/${done.documents[0].verifyCode}?format=json`, keeper.host));
    expect(verified).toMatchObject({ status: 'valid', number: done.number });
    const mail = await mailTo(keeper.email, new RegExp(`${done.number} ist bewilligt`));
    expect(mail.text).toContain(`Steuermarkennummer ${done.number}`);
  });

  it('lets the citizen withdraw an undecided application, with the fee due back, once', async () => {
    const id = await gewerbeInReview();
    const withdrawn = await api(citizen, 'POST', `/api/v1/applications/${id}/withdraw`);
    expect(withdrawn.status).toBe(200);
    expect(json(withdrawn)).toMatchObject({ status: 'withdrawn', payment: { refund: { status: 'refunded' } } });
    expect((await api(citizen, 'POST', `/api/v1/applications/${id}/withdraw`)).status).toBe(409);
    const moves = (await audit(recklinghausen, id)).filter((h) => h.action === 'application.status');
    expect(moves.at(-1)).toMatchObject({ data: { from: 'in_review', to: 'withdrawn' } });
    await mailTo(citizen.email, new RegExp(`${json(withdrawn).number} zurückgezogen`));
    // A decision after the withdrawal finds it final.
    expect(await refused(decide(id, { decision: 'approve' }))).toMatchObject({ code: 'workflow.already_decided' });

    // A decided application stays as it is.
    const decided = await gewerbeInReview();
    await decide(decided, { decision: 'reject', message: 'Nein.' });
    expect((await api(citizen, 'POST', `/api/v1/applications/${decided}/withdraw`)).status).toBe(409);
    // Another citizen's application is not found.
    const other = await registerCitizen(portal, smtp, 'recklinghausen.localhost', 'andere@example.org');
    expect((await api(other, 'POST', `/api/v1/applications/${id}/withdraw`)).status).toBe(404);
  });

  it('reminds of an unanswered request once and closes it after the tenant’s time', async () => {
    const id = await gewerbeInReview();
    await decide(id, { decision: 'request_info', message: 'Bitte die Handwerkskarte nachreichen.' });
    const sweep = portal.app.get(CaseworkSweepHandler);
    const back = async (days: number) => {
      const client = new Client({ connectionString: portal.db.ownerUrl });
      await client.connect();
      try {
        await client.query(
          `update public.applications set status_changed_at = now() - make_interval(days => $2) where id = $1`,
          [id, days],
        );
      } finally {
        await client.end();
      }
    };
    // Not yet due.
    expect(await sweep.sweep(recklinghausen)).toEqual({ reminded: 0, closed: 0 });
    await back(15);
    expect((await sweep.sweep(recklinghausen)).reminded).toBeGreaterThanOrEqual(1);
    expect((await sweep.sweep(recklinghausen)).reminded).toBe(0);
    const number = (await view(citizen, id)).number as string;
    const reminder = await mailTo(citizen.email, new RegExp(`Erinnerung: Rückfrage zu Ihrem Antrag ${number}`));
    expect(reminder.text).toContain(`/antraege/${id}`);
    expect((await view(citizen, id)).status).toBe('needs_info');

    await back(29);
    expect((await sweep.sweep(recklinghausen)).closed).toBeGreaterThanOrEqual(1);
    const closed = await view(citizen, id);
    expect(closed.status).toBe('rejected');
    expect(closed.payment.refund).toMatchObject({ status: 'refunded' });
    const last = (await audit(recklinghausen, id)).filter((h) => h.action === 'application.status').at(-1)!;
    expect(last).toMatchObject({
      actor: 'workflow',
      data: { from: 'needs_info', to: 'rejected', reason: 'no_answer' },
    });
    await mailTo(citizen.email, new RegExp(`${number} abgeschlossen ohne Antwort`));
    // The job's handler on its own payload does the same for the tenant, and finds nothing left.
    expect(await sweep.handle({ tenantId: recklinghausen.id, correlationId: 'test' })).toEqual({
      reminded: 0,
      closed: 0,
    });
  });

  it('answers and withdraws from the application page, without JavaScript', async () => {
    const id = await gewerbeInReview();
    const page = (path = `/antraege/${id}`) => get(portal.port, path, citizen.host, { cookie: citizen.cookie });
    const undecided = await page();
    expect(undecided.body).toContain(`action="/antraege/${id}/zurueckziehen"`);
    expect(undecided.body).not.toContain(`action="/antraege/${id}/antwort"`);
    await decide(id, { decision: 'request_info', message: 'Bitte den Personalausweis nachreichen.' });
    const asked = await page();
    expect(asked.body).toContain('Bitte den Personalausweis nachreichen.');
    expect(asked.body).toContain(`action="/antraege/${id}/antwort"`);
    expect(asked.body).toContain('enctype="multipart/form-data"');
    const csrf = /name="_csrf" value="([^"]+)"/.exec(asked.body)![1];

    const multipart = (fields: Record<string, string>, file?: Buffer) => {
      const boundary = `----antwort${Date.now()}`;
      const parts: Buffer[] = Object.entries(fields).map(([k, v]) =>
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`),
      );
      if (file) {
        parts.push(
          Buffer.from(
            `--${boundary}\r\nContent-Disposition: form-data; name="nachreichung"; filename="ausweis.pdf"\r\nContent-Type: application/pdf\r\n\r\n`,
          ),
          file,
          Buffer.from('\r\n'),
        );
      }
      parts.push(Buffer.from(`--${boundary}--\r\n`));
      return sendBody(portal.port, 'POST', `/antraege/${id}/antwort`, citizen.host, Buffer.concat(parts), {
        cookie: citizen.cookie,
        accept: 'text/html',
        'content-type': `multipart/form-data; boundary=${boundary}`,
      });
    };
    // Without a text the page comes again, saying what is missing; nothing is kept.
    const empty = await multipart({ _csrf: csrf, message: ' ' }, PDF);
    expect(empty.status).toBe(422);
    expect(empty.body).toContain('Bitte schreiben Sie eine Antwort.');
    expect((await view(citizen, id)).status).toBe('needs_info');
    // Without the token: refused.
    expect((await multipart({ message: 'Hier ist er.' }, PDF)).status).toBe(403);
    const answered = await multipart({ _csrf: csrf, message: 'Hier ist er.' }, PDF);
    expect(answered.status).toBe(303);
    const current = await view(citizen, id);
    expect(current.status).toBe('in_review');
    expect(current.messages[0]).toMatchObject({ sender: 'citizen', body: 'Hier ist er.' });
    const files = (await audit(recklinghausen, id)).find((h) => h.data.reply === 'Hier ist er.');
    expect(files!.data.files).toEqual([expect.objectContaining({ filename: 'ausweis.pdf' })]);

    // Withdrawing asks for the confirmation first.
    const unconfirmed = await postForm(
      portal.port,
      `/antraege/${id}/zurueckziehen`,
      citizen.host,
      { _csrf: csrf },
      {
        cookie: citizen.cookie,
      },
    );
    expect(unconfirmed.status).toBe(422);
    expect((await view(citizen, id)).status).toBe('in_review');
    const confirmed = await postForm(
      portal.port,
      `/antraege/${id}/zurueckziehen`,
      citizen.host,
      { _csrf: csrf, confirm: 'true' },
      { cookie: citizen.cookie },
    );
    expect(confirmed.status).toBe(303);
    const gone = await page();
    expect(gone.body).toContain('Zurückgezogen');
    expect(gone.body).not.toContain(`action="/antraege/${id}/zurueckziehen"`);
  });
});
