import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { parse } from 'yaml';
import { FILE_STORAGE, FileStorage } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import { JobQueues, JobWorkers } from '@openrathaus/jobs';
import {
  CAPTURED_MAILS_KEPT,
  CapturedMails,
  MAIL_QUEUE,
  MAIL_SEND_JOB,
  MailEntity,
  Mailbox,
  MailboxMessageEntity,
  Mailer,
} from '@openrathaus/messaging';
import { TenantRegistry } from '@openrathaus/tenancy';
import { TenantFolder, copyDemoTenants, get } from '@openrathaus/testing';
import { DevMailController } from '../../apps/portal/src/operations/dev-mail.controller';
import { setState } from '../../apps/portal/src/http/request-state';
import { TestPortal, eventually, queueSettled, startTestPortal } from '../support';
import { parseMail, startSmtp } from '../support-mail';

const tenantIds = async (portal: TestPortal): Promise<Record<string, string>> => {
  const rows = await portal.app
    .get(DataSource)
    .query<{ id: string; slug: string }[]>(`select id, slug from public.tenants`);
  return Object.fromEntries(rows.map((r) => [r.slug, r.id]));
};

describe('messaging through SMTP', () => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let folder: TenantFolder;
  let storageDir: string;
  let portal: TestPortal;
  let tenants: Record<string, string>;
  let transactions: TenantTransactions;
  let mailer: Mailer;

  const arrived = (to: string) =>
    eventually(() => Promise.resolve(smtp.received.find((m) => m.to.includes(to)))).then((m) => parseMail(m.raw));
  const countTo = (to: string) => smtp.received.filter((m) => m.to.includes(to)).length;
  const mailRow = (tenantId: string, id: string) => transactions.run(tenantId, (s) => s.findOne(MailEntity, { id }));

  beforeAll(async () => {
    smtp = await startSmtp();
    folder = copyDemoTenants();
    mkdirSync(join(folder.dir, 'gelsenkirchen', 'mail'), { recursive: true });
    writeFileSync(
      join(folder.dir, 'gelsenkirchen', 'mail', 'application-submitted.de.hbs'),
      'Subject: Gelsenkirchen hat Ihren Antrag {{number}}\n\nDanke, {{name}}. Postfach: {{link}}\n',
    );
    storageDir = mkdtempSync(join(tmpdir(), 'or-files-'));
    portal = await startTestPortal({ smtpUrl: smtp.url, tenantsDir: folder.dir, storageDir });
    tenants = await tenantIds(portal);
    transactions = portal.app.get(TenantTransactions);
    mailer = portal.app.get(Mailer);
  });

  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
    folder?.remove();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('sends a system mail queued in a transaction, in German and in English', async () => {
    const ge = tenants.gelsenkirchen;
    const link = 'https://gelsenkirchen.localhost/konto/bestaetigen?token=abc';
    const [deId] = await Promise.all([
      transactions.run(ge, (s) =>
        mailer.queue(s, {
          to: 'erika@example.org',
          locale: 'de',
          template: 'account-verify',
          data: { name: 'Erika', link },
        }),
      ),
      transactions.run(ge, (s) =>
        mailer.queue(s, {
          to: 'john@example.org',
          locale: 'en',
          template: 'account-verify',
          data: { name: 'John', link },
        }),
      ),
    ]);
    const de = await arrived('erika@example.org');
    expect(de.subject).toBe('Bitte bestätigen Sie Ihre E-Mail-Adresse – Stadt Gelsenkirchen');
    expect(de.headers.from).toBe('Stadt Gelsenkirchen <serviceportal@openrathaus.localhost>');
    expect(de.headers['reply-to']).toBe('info@gelsenkirchen.de');
    expect(de.headers['message-id']).toBe(`<${deId}@openrathaus.localhost>`);
    expect(de.text).toContain('Guten Tag Erika,');
    expect(de.text).toContain(link);
    expect(de.html).toContain('<a href="https://gelsenkirchen.localhost/konto/bestaetigen?token&#x3D;abc">');
    const en = await arrived('john@example.org');
    expect(en.subject).toBe('Please confirm your e-mail address – Stadt Gelsenkirchen');
    expect(en.text).toContain('Hello John,');
    await eventually(async () => (await mailRow(ge, deId))?.status === 'sent');
    expect(await mailRow(ge, deId)).toMatchObject({ status: 'sent', attempts: 1, error: null });
  });

  it('sends nothing when the transaction that queued the mail rolls back', async () => {
    const ge = tenants.gelsenkirchen;
    await expect(
      transactions.run(ge, async (s) => {
        await mailer.queue(s, { to: 'rolled-back@example.org', locale: 'de', template: 'password-reset', data: {} });
        throw new Error('the change failed');
      }),
    ).rejects.toThrow('the change failed');
    await transactions.run(ge, (s) =>
      mailer.queue(s, { to: 'after-rollback@example.org', locale: 'de', template: 'password-reset', data: {} }),
    );
    await arrived('after-rollback@example.org');
    expect(countTo('rolled-back@example.org')).toBe(0);
    const rows = await transactions.run(ge, (s) =>
      s.query(`select count(*)::int as n from public.mails where to_address = 'rolled-back@example.org'`),
    );
    expect(rows[0]).toEqual({ n: 0 });
  });

  it('does not send twice when the job runs again after success, nor when two runs race', async () => {
    const ge = tenants.gelsenkirchen;
    const workers = portal.app.get(JobWorkers);
    const mailId = await transactions.run(ge, (s) =>
      mailer.queue(s, { to: 'once@example.org', locale: 'de', template: 'password-reset', data: { name: 'A' } }),
    );
    await arrived('once@example.org');
    await eventually(async () => (await mailRow(ge, mailId))?.status === 'sent');
    const job = { name: MAIL_SEND_JOB, data: { tenantId: ge, mailId, correlationId: 'retry' } };
    await expect(workers.process(MAIL_QUEUE, job)).resolves.toBe('already_sent');

    // A row without an outbox entry, so that only the two runs here send it.
    const raced = await transactions.run(ge, (s) =>
      s.insert(MailEntity, { toAddress: 'race@example.org', locale: 'de', template: 'password-reset', data: {} }),
    );
    const racing = { name: MAIL_SEND_JOB, data: { tenantId: ge, mailId: raced.id, correlationId: 'race' } };
    const outcomes = await Promise.allSettled([
      workers.process(MAIL_QUEUE, racing),
      workers.process(MAIL_QUEUE, racing),
    ]);
    // One run sends; the other finds it taken (busy: the queue tries again later) or already sent.
    const results = outcomes.map((o) =>
      o.status === 'fulfilled' ? o.value : (o.reason as Error).message.split(' ')[0],
    );
    expect(results).toContain('sent');
    expect(results.filter((r) => r === 'sent')).toHaveLength(1);
    expect(['already_sent', 'messaging.busy']).toContain(results.find((r) => r !== 'sent'));
    await expect(workers.process(MAIL_QUEUE, racing)).resolves.toBe('already_sent');
    await arrived('race@example.org');
    // Every run has been awaited but the queued one; once the queue is empty, no send is still to come.
    await queueSettled(portal.app.get(JobQueues), MAIL_QUEUE);
    expect(countTo('once@example.org')).toBe(1);
    expect(countTo('race@example.org')).toBe(1);
    expect(await mailRow(ge, raced.id)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('records a refused mail as failed and throws, so that the queue retries it', async () => {
    const ge = tenants.gelsenkirchen;
    const raced = await transactions.run(ge, (s) =>
      s.insert(MailEntity, { toAddress: 'reject@example.org', locale: 'de', template: 'password-reset', data: {} }),
    );
    const job = { name: MAIL_SEND_JOB, data: { tenantId: ge, mailId: raced.id, correlationId: 'fail' } };
    await expect(portal.app.get(JobWorkers).process(MAIL_QUEUE, job)).rejects.toThrow();
    const row = await mailRow(ge, raced.id);
    expect(row).toMatchObject({ status: 'failed', attempts: 1, sentAt: null });
    expect(row?.error).toMatch(/550|no such mailbox/);
  });

  it('sends attachments from the file storage, and only the tenant’s own files', async () => {
    const ge = tenants.gelsenkirchen;
    const storage = portal.app.get<FileStorage>(FILE_STORAGE);
    const pdf = Buffer.from('%PDF-1.4\n% Bewohnerparkausweis\n%%EOF\n');
    await storage.put(`${ge}/documents/ausweis.pdf`, pdf);
    await transactions.run(ge, (s) =>
      mailer.queue(s, {
        to: 'attached@example.org',
        locale: 'de',
        template: 'application-status',
        data: { number: 'GE-2026-000001', status: 'genehmigt' },
        attachments: [
          {
            storageKey: `${ge}/documents/ausweis.pdf`,
            filename: 'Bewohnerparkausweis.pdf',
            contentType: 'application/pdf',
          },
        ],
      }),
    );
    const mail = await arrived('attached@example.org');
    const file = mail.parts.find((p) => p.filename === 'Bewohnerparkausweis.pdf');
    expect(file?.contentType).toBe('application/pdf');
    expect(file?.content.equals(pdf)).toBe(true);

    await expect(
      transactions.run(tenants.bottrop, (s) =>
        mailer.queue(s, {
          to: 'thief@example.org',
          locale: 'de',
          template: 'application-status',
          data: {},
          attachments: [
            { storageKey: `${ge}/documents/ausweis.pdf`, filename: 'x.pdf', contentType: 'application/pdf' },
          ],
        }),
      ),
    ).rejects.toMatchObject({ code: 'messaging.invalid_input', fields: [{ field: 'attachments.0' }] });
  });

  it('refuses a mail without an address or with an unknown template, naming the field', async () => {
    const ge = tenants.gelsenkirchen;
    await expect(
      transactions.run(ge, (s) => mailer.queue(s, { to: 'nope', locale: 'de', template: 'account-verify' })),
    ).rejects.toMatchObject({ code: 'messaging.invalid_input', fields: [{ field: 'to', key: 'mail_address' }] });
    await expect(
      transactions.run(ge, (s) => mailer.queue(s, { to: 'a@example.org', locale: 'de', template: 'no-such-mail' })),
    ).rejects.toMatchObject({ code: 'messaging.unknown_template' });
  });

  it("uses the tenant's own template where it has one, the platform's elsewhere", async () => {
    const data = { number: 'GE-2026-000007', serviceTitle: 'Bewohnerparkausweis', name: 'Erika', link: 'https://x/p' };
    await transactions.run(tenants.gelsenkirchen, (s) =>
      mailer.queue(s, { to: 'own@example.org', locale: 'de', template: 'application-submitted', data }),
    );
    await transactions.run(tenants.bottrop, (s) =>
      mailer.queue(s, { to: 'platform@example.org', locale: 'de', template: 'application-submitted', data }),
    );
    const own = await arrived('own@example.org');
    expect(own.subject).toBe('Gelsenkirchen hat Ihren Antrag GE-2026-000007');
    expect(own.text).toBe('Danke, Erika. Postfach: https://x/p');
    const platform = await arrived('platform@example.org');
    expect(platform.subject).toBe('Ihr Antrag GE-2026-000007 ist eingegangen');
    expect(platform.headers.from).toBe('Stadt Bottrop <serviceportal@openrathaus.localhost>');
  });

  it("sends a definition's message, rendered with the catalog's helpers in the mail's language", async () => {
    const file = join(folder.dir, 'gelsenkirchen', 'processes', 'bewohnerparkausweis', '1.2.0.yaml');
    const definition = parse(readFileSync(file, 'utf8')) as {
      messages: Record<string, { subject: { de: string; en: string }; body: { de: string; en: string } }>;
    };
    const data = {
      tenant: { name: 'Stadt Gelsenkirchen' },
      application: { number: 'GE-2026-000042' },
      answers: { vorname: 'Erika', nachname: 'Muster', kennzeichen: 'GE-AB 123', zone: 'Altstadt' },
      params: {},
      fee: 3070,
      validUntil: '2027-03-01',
    };
    for (const [to, locale] of [
      ['permit-de@example.org', 'de'],
      ['permit-en@example.org', 'en'],
    ]) {
      await transactions.run(tenants.gelsenkirchen, (s) =>
        mailer.queue(s, { to, locale, message: definition.messages.bestaetigung, data }),
      );
    }
    const de = await arrived('permit-de@example.org');
    expect(de.subject).toBe('Ihr Bewohnerparkausweis GE-2026-000042');
    expect(de.text).toContain('Er gilt bis 1.3.2027.');
    expect(de.text).toContain('Gezahlte Gebühr: 30,70\u00a0€');
    const en = await arrived('permit-en@example.org');
    expect(en.subject).toBe('Your resident parking permit GE-2026-000042');
    expect(en.text).toContain('Fee paid: €30.70');
  });

  it('keeps mails apart by tenant: B sees none of A’s, by service and by SQL', async () => {
    const rowsOfB = await transactions.run(tenants.bottrop, (s) =>
      s.query<{ to_address: string }>(`select to_address from public.mails`),
    );
    expect(rowsOfB.map((r) => r.to_address)).toEqual(['platform@example.org']);
    const app = new Client({ connectionString: portal.db.appUrl });
    await app.connect();
    try {
      const bare = await app.query(`select count(*)::int as n from public.mails`);
      expect(bare.rows[0]).toEqual({ n: 0 });
    } finally {
      await app.end();
    }
  });

  describe('mailbox', () => {
    let mailbox: Mailbox;
    const citizenId = randomUUID();

    beforeAll(async () => {
      mailbox = portal.app.get(Mailbox);
      const post = (slug: string, subject: string, extra: object = {}) =>
        transactions.run(tenants[slug], (s) =>
          mailbox.post(s, { citizenId, subject, body: `Nachricht von ${slug}`, ...extra }),
        );
      await post('gelsenkirchen', 'Antrag eingegangen');
      await post('bottrop', 'Rückfrage', { sender: 'staff' });
      await post('duisburg', 'Außerhalb der Region');
      await transactions.run(tenants.gelsenkirchen, (s) =>
        mailbox.post(s, {
          citizenId,
          subject: { de: 'Gebühr {{money fee}}', en: 'Fee {{money fee}}' },
          body: { de: 'Bezahlt: {{money fee}}', en: 'Paid: {{money fee}}' },
          data: { fee: 3070 },
        }),
      );
    });

    it("lists a citizen's messages across the municipalities of the region, newest first", async () => {
      const registry = portal.app.get(TenantRegistry);
      const onGe = await mailbox.forCitizen(registry.get('gelsenkirchen')!, citizenId, 'en');
      expect(onGe.map((m) => m.subject)).toEqual(['Fee €30.70', 'Rückfrage', 'Antrag eingegangen']);
      expect(onGe[0]).toMatchObject({
        body: 'Paid: €30.70',
        sender: 'system',
        readAt: null,
        tenantId: tenants.gelsenkirchen,
      });
      expect(onGe[1]).toMatchObject({ sender: 'staff', tenantId: tenants.bottrop });
      const onRegion = await mailbox.forCitizen(registry.get('emscher-lippe')!, citizenId, 'de');
      expect(onRegion.map((m) => m.subject)).toEqual(['Gebühr 30,70\u00a0€', 'Rückfrage', 'Antrag eingegangen']);
      const onDuisburg = await mailbox.forCitizen(registry.get('duisburg')!, citizenId, 'de');
      expect(onDuisburg.map((m) => m.subject)).toEqual(['Außerhalb der Region']);
    });

    it('lets tenant B read and mark none of A’s messages, by service and by SQL', async () => {
      const ofB = await mailbox.list(tenants.bottrop, citizenId);
      expect(ofB.map((m) => m.subject.de)).toEqual(['Rückfrage']);
      const rawB = await transactions.run(tenants.bottrop, (s) =>
        s.query<{ n: number }>(`select count(*)::int as n from public.mailbox_messages`),
      );
      expect(rawB[0].n).toBe(1);
      const [ofA] = await mailbox.list(tenants.gelsenkirchen, citizenId, { limit: 1 });
      expect(await transactions.run(tenants.bottrop, (s) => mailbox.markRead(s, citizenId, ofA.id))).toBe(false);
      expect(await transactions.run(tenants.gelsenkirchen, (s) => mailbox.markRead(s, randomUUID(), ofA.id))).toBe(
        false,
      );
      expect(await mailbox.unread([tenants.gelsenkirchen, tenants.bottrop], citizenId)).toBe(3);
      expect(await transactions.run(tenants.gelsenkirchen, (s) => mailbox.markRead(s, citizenId, ofA.id))).toBe(true);
      expect(await mailbox.unread([tenants.gelsenkirchen, tenants.bottrop], citizenId)).toBe(2);
      const again = await transactions.run(tenants.gelsenkirchen, (s) =>
        s.findOne(MailboxMessageEntity, { id: ofA.id }),
      );
      expect(again?.readAt).toBeInstanceOf(Date);
    });

    it('refuses a message without a subject, naming the field', async () => {
      await expect(
        transactions.run(tenants.gelsenkirchen, (s) => mailbox.post(s, { citizenId, subject: ' ', body: 'x' })),
      ).rejects.toMatchObject({ code: 'messaging.invalid_input', fields: [{ field: 'subject' }] });
    });
  });
});

describe('messaging captured in development (no SMTP_URL)', () => {
  let portal: TestPortal;
  let tenants: Record<string, string>;

  beforeAll(async () => {
    portal = await startTestPortal({ smtpUrl: undefined });
    tenants = await tenantIds(portal);
  });

  afterAll(async () => {
    await portal?.stop();
  });

  it('lists captured mails on localhost, newest first, and nowhere else', async () => {
    const transactions = portal.app.get(TenantTransactions);
    const mailer = portal.app.get(Mailer);
    for (const to of ['first@example.org', 'second@example.org']) {
      await transactions.run(tenants.herten, (s) =>
        mailer.queue(s, { to, locale: 'de', template: 'account-verify', data: { name: 'Erika', link: 'https://x/v' } }),
      );
      await eventually(async () => {
        const res = await get(portal.port, `/_dev/mail?to=${to}`, 'localhost');
        return res.status === 200 && (JSON.parse(res.body) as unknown[]).length === 1;
      });
    }
    const res = await get(portal.port, '/_dev/mail', `localhost:${portal.port}`);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/application\/json/);
    const mails = JSON.parse(res.body) as { to: string; subject: string; text: string; html: string; sentAt: string }[];
    expect(mails.map((m) => m.to)).toEqual(['second@example.org', 'first@example.org']);
    expect(mails[0]).toMatchObject({ subject: 'Bitte bestätigen Sie Ihre E-Mail-Adresse – Stadt Herten' });
    expect(mails[0].text).toContain('https://x/v');
    expect(mails[0].html).toContain('<html lang="de" dir="ltr">');
    expect(new Date(mails[0].sentAt).getTime()).toBeGreaterThan(Date.now() - 60_000);

    expect((await get(portal.port, '/_dev/mail', 'herten.localhost')).status).toBe(404);
    expect((await get(portal.port, '/_dev/mail', 'unknown.example')).status).toBe(404);
  });

  it('is refused in production even on localhost', () => {
    const controller = new DevMailController(
      { ...portal.config, env: 'production', devHosts: true },
      portal.app.get(CapturedMails),
    );
    const request = { raw: {} } as FastifyRequest;
    setState(request, { context: { correlationId: 'x' }, match: { kind: 'root' }, startedAt: 0 });
    expect(() => controller.list(request)).toThrow(expect.objectContaining({ kind: 'not_found' }));
  });

  it(`keeps only the newest ${CAPTURED_MAILS_KEPT} captured mails`, async () => {
    const captured = portal.app.get(CapturedMails);
    const mail = {
      tenantId: tenants.herten,
      from: { name: 'Stadt Herten', address: 'serviceportal@openrathaus.localhost' },
      subject: 'Viele',
      text: 'x',
      html: '<p>x</p>',
      attachments: [],
      messageId: '<x@y>',
    };
    for (let i = 0; i < CAPTURED_MAILS_KEPT + 5; i++) await captured.add({ ...mail, to: `n${i}@example.org` });
    const rows = await portal.app
      .get(DataSource)
      .query<{ n: number }[]>(`select count(*)::int as n from public.captured_mails`);
    expect(rows[0].n).toBe(CAPTURED_MAILS_KEPT);
    const newest = await captured.list({ limit: 1 });
    expect(newest[0].to).toBe(`n${CAPTURED_MAILS_KEPT + 4}@example.org`);
  });
});
