import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { CaseFiles, Caseworker, TenantStatistics, statisticsRange } from '@openrathaus/backoffice';
import { FILE_STORAGE, FileStorage } from '@openrathaus/core';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { TenantFolder, TestResponse, copyDemoTenants, get, send } from '@openrathaus/testing';
import { RETENTION_AUDIT_ACTION, RetentionSweepHandler } from '@openrathaus/workflow';
import { TestPortal, eventually, startTestPortal } from '../support';
import { Citizen, registerCitizen, upload } from '../support-citizen';
import { TestSmtp, startSmtp } from '../support-mail';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (r: TestResponse) => JSON.parse(r.body) as Record<string, any>;

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

/** A certificate issued at once on submission; `retention` as given. */
const definition = (key: string, leika: string, retention: string) => `
key: ${key}
version: 1.0.0
visibility: shared
leika: "${leika}"
title: { de: "Bescheinigung ${key}", en: "Certificate ${key}" }
summary: { de: "Eine Bescheinigung", en: "A certificate" }
lebenslagen: [wohnen-umzug]
trustLevel: basic
retention: ${retention}
form:
  pages:
    - id: angaben
      title: { de: "Angaben", en: "Details" }
      items:
        - { id: name, type: text, label: { de: "Name", en: "Name" }, required: true }
        - { id: nachweis, type: file, label: { de: "Nachweis", en: "Proof" }, constraints: { mediaTypes: [application/pdf] } }
steps:
  - { id: antrag, kind: form }
  - { id: bescheinigung, kind: document, template: bescheinigung }
  - { id: uebergabe, kind: deliver, target: email }
documents:
  bescheinigung:
    title: { de: "Bescheinigung", en: "Certificate" }
    body: { de: "Bescheinigt für {{answers.name}}.", en: "Certified for {{answers.name}}." }
`;

const DAY = 24 * 3600 * 1000;
const ADMIN: Caseworker = {
  id: '0b5f8f0e-7c1e-4a53-9d1f-6f2f1e8a9c01',
  email: 'admin@recklinghausen.de',
  role: 'tenant-admin',
  offices: [],
};

/** One closed application as the test follows it. */
interface Made {
  id: string;
  number: string;
  code: string;
  attachmentKey: string;
  documentKey: string;
  /** The PDF summary its hand-off to the office keeps for the receiver's links. */
  summaryKey: string;
}

describe('retention: applications are deleted or anonymised after their definition’s period', () => {
  let smtp: TestSmtp;
  let folder: TenantFolder;
  let portal: TestPortal;
  let db: Client;
  let storage: FileStorage;
  let sweep: RetentionSweepHandler;
  let recklinghausen: Tenant;
  let herten: Tenant;
  let erika: Citizen;
  let max: Citizen;

  beforeAll(async () => {
    smtp = await startSmtp();
    folder = copyDemoTenants();
    const processes = join(folder.dir, 'recklinghausen', 'processes');
    for (const [key, leika, retention] of [
      ['auskunft-loeschen', '99108012000001', '{ after: P90D, action: delete }'],
      ['auskunft-anonym', '99108012000002', '{ after: P30D, action: anonymise }'],
    ]) {
      mkdirSync(join(processes, key), { recursive: true });
      writeFileSync(join(processes, key, '1.0.0.yaml'), definition(key, leika, retention));
    }
    const adopt = (slug: string, keys: string[]) => {
      const file = join(folder.dir, slug, 'tenant.yaml');
      const services = keys.map((k) => `  - definition: "recklinghausen/${k}"\n    version: "^1"\n`).join('');
      writeFileSync(file, readFileSync(file, 'utf8').replace('services:\n', `services:\n${services}`));
    };
    adopt('recklinghausen', ['auskunft-loeschen', 'auskunft-anonym']);
    adopt('herten', ['auskunft-loeschen']);
    portal = await startTestPortal({ smtpUrl: smtp.url, tenantsDir: folder.dir });
    db = new Client({ connectionString: portal.db.ownerUrl });
    await db.connect();
    storage = portal.app.get<FileStorage>(FILE_STORAGE);
    sweep = portal.app.get(RetentionSweepHandler);
    recklinghausen = portal.app.get(TenantRegistry).get('recklinghausen')!;
    herten = portal.app.get(TenantRegistry).get('herten')!;
    erika = await registerCitizen(portal, smtp, 'recklinghausen.localhost', 'erika.retention@example.org');
    max = await registerCitizen(portal, smtp, 'herten.localhost', 'max.retention@example.org');
  });

  afterAll(async () => {
    await db?.end();
    await portal?.stop();
    await smtp?.close();
    folder?.remove();
  });

  const api = (who: Citizen, method: string, path: string, body?: unknown) =>
    send(portal.port, method, path, who.host, body, { cookie: who.cookie });

  /** Applies, uploads a proof, submits and waits for the certificate; the application is then completed. */
  async function completed(who: Citizen, serviceKey: string, name: string): Promise<Made> {
    const started = await api(who, 'POST', '/api/v1/applications', { serviceKey });
    expect(started.status).toBe(201);
    const id = json(started).id as string;
    expect(json(await api(who, 'PUT', `/api/v1/applications/${id}/answers`, { answers: { name } })).errors).toEqual([]);
    expect((await upload(portal, who, id, 'nachweis', 'nachweis.pdf', PDF)).status).toBe(201);
    expect((await api(who, 'POST', `/api/v1/applications/${id}/submit`)).status).toBe(200);
    const view = await eventually(async () => {
      const current = json(await api(who, 'GET', `/api/v1/applications/${id}`));
      return current.status === 'completed' && current.documents?.length ? current : undefined;
    }, 30_000);
    const [attachment] = (await db.query(`select storage_key from public.attachments where application_id = $1`, [id]))
      .rows as { storage_key: string }[];
    const [document] = (
      await db.query(`select storage_key, verify_code from public.documents where application_id = $1`, [id])
    ).rows as { storage_key: string; verify_code: string }[];
    const [handoff] = (
      await db.query(`select tenant_id, id from public.deliveries where application_id = $1 and status = 'delivered'`, [
        id,
      ])
    ).rows as { tenant_id: string; id: string }[];
    return {
      id,
      summaryKey: `${handoff.tenant_id}/deliveries/${handoff.id}/antrag.pdf`,
      number: view.number as string,
      code: document.verify_code,
      attachmentKey: attachment.storage_key,
      documentKey: document.storage_key,
    };
  }

  const row = async (id: string) =>
    (await db.query(`select * from public.applications where id = $1`, [id])).rows[0] as
      Record<string, unknown> | undefined;
  const count = async (sql: string, id: string) => Number((await db.query(sql, [id])).rows[0].n);
  const later = (days: number) => new Date(Date.now() + days * DAY);
  const verify = async (code: string) => json(await get(portal.port, `/verify/${code}?format=json`, 'localhost'));

  it('keeps what is within its period, then deletes or anonymises, tenant by tenant, once', async () => {
    const gone = await completed(erika, 'auskunft-loeschen', 'Erika Mustermann');
    const kept = await completed(erika, 'auskunft-anonym', 'Erika Musterfrau');
    const elsewhere = await completed(max, 'auskunft-loeschen', 'Max Mustermann');
    await portal.app.get(CaseFiles).note(recklinghausen, ADMIN, kept.id, 'Frau Musterfrau rief an: Telefon 0123 456');
    const sent = await eventually(async () =>
      (await count(`select count(*) as n from public.mails where application_id = $1`, kept.id)) > 0 ? true : undefined,
    );
    expect(sent).toBe(true);
    const month = new Date().toISOString().slice(0, 7);
    const submittedIn = async () => {
      const statistics = await portal.app.get(TenantStatistics).of(recklinghausen, statisticsRange(month, month), 'de');
      return statistics.rows.find((r) => r.serviceKey === 'auskunft-anonym')?.submitted ?? 0;
    };
    expect(await submittedIn()).toBe(1);

    // Within both periods: nothing happens.
    expect(await sweep.sweep(recklinghausen, later(10))).toMatchObject({ deleted: 0, anonymised: 0 });
    expect(await row(gone.id)).toBeDefined();
    expect((await row(kept.id))?.answers).toMatchObject({ name: 'Erika Musterfrau' });

    // Past the 30 days of the one that anonymises, within the 90 of the one that deletes.
    expect(await sweep.sweep(recklinghausen, later(40))).toMatchObject({ deleted: 0, anonymised: 1, documents: 1 });
    expect(await row(gone.id)).toBeDefined();
    const anonymised = (await row(kept.id))!;
    expect(anonymised).toMatchObject({
      status: 'completed',
      service_key: 'auskunft-anonym',
      number: kept.number,
      answers: {},
      applicant_name: null,
      applicant_email: null,
      citizen_id: null,
    });
    expect(anonymised.anonymised_at).not.toBeNull();
    expect(anonymised.submitted_at).not.toBeNull();
    expect(await count(`select count(*) as n from public.attachments where application_id = $1`, kept.id)).toBe(0);
    expect(await storage.get(kept.attachmentKey)).toBeUndefined();
    expect(await storage.get(kept.documentKey)).toBeUndefined();
    await eventually(async () => (await storage.get(kept.summaryKey)) === undefined);
    expect(
      await count(
        `select count(*) as n from public.deliveries where application_id = $1 and receipt is not null`,
        kept.id,
      ),
    ).toBe(0);
    expect(await count(`select count(*) as n from public.application_terms where application_id = $1`, kept.id)).toBe(
      0,
    );
    expect((await db.query(`select body from public.case_notes where application_id = $1`, [kept.id])).rows).toEqual([
      { body: '' },
    ]);
    expect(await count(`select count(*) as n from public.mailbox_messages where application_id = $1`, kept.id)).toBe(0);
    const mails = (await db.query(`select to_address, data from public.mails where application_id = $1`, [kept.id]))
      .rows as { to_address: string; data: unknown }[];
    expect(mails.length).toBeGreaterThan(0);
    expect(mails.every((m) => m.to_address === '' && JSON.stringify(m.data) === '{}')).toBe(true);
    // The citizen no longer sees it; the statistics still count it.
    expect((await api(erika, 'GET', `/api/v1/applications/${kept.id}`)).status).toBe(404);
    expect(await submittedIn()).toBe(1);

    // Past 90 days: the other one goes, with everything of it; Herten's is not Recklinghausen's business.
    const result = await sweep.sweep(recklinghausen, later(100));
    expect(result).toMatchObject({ deleted: 1, anonymised: 0, documents: 1, files: 1, failed: 0 });
    expect(await row(gone.id)).toBeUndefined();
    for (const table of ['attachments', 'application_terms', 'mailbox_messages', 'workflow_effects', 'payments']) {
      expect(await count(`select count(*) as n from public.${table} where application_id = $1`, gone.id)).toBe(0);
    }
    expect(await storage.get(gone.attachmentKey)).toBeUndefined();
    expect(await storage.get(gone.documentKey)).toBeUndefined();
    await eventually(async () => (await storage.get(gone.summaryKey)) === undefined);
    expect(await count(`select count(*) as n from public.deliveries where application_id = $1`, gone.id)).toBe(0);
    const addresses = (
      await db.query(`select count(*) as n from public.mails where to_address = $1 and data <> '{}'`, [erika.email])
    ).rows[0] as { n: string };
    expect(Number(addresses.n)).toBe(0);
    const document = (
      await db.query(
        `select application_id, holder, content, storage_key, verify_code, sha256, signature, issued_at, forgotten_at
           from public.documents where verify_code = $1`,
        [gone.code],
      )
    ).rows[0] as Record<string, unknown>;
    expect(document).toMatchObject({ application_id: null, holder: '', content: '', storage_key: null });
    expect(document.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(document.signature).toBeTruthy();
    expect(document.issued_at).toBeInstanceOf(Date);
    expect(document.forgotten_at).toBeInstanceOf(Date);
    expect(await row(elsewhere.id)).toMatchObject({ status: 'completed', answers: { name: 'Max Mustermann' } });
    expect(await storage.get(elsewhere.attachmentKey)).toBeDefined();
    expect(await storage.get(elsewhere.summaryKey)).toBeDefined();

    // The certificate of the deleted application is still genuine.
    const answer = await verify(gone.code);
    expect(answer).toMatchObject({ status: 'valid', dataDeleted: true, code: gone.code, number: gone.number });
    expect(answer.holder).toBeUndefined();
    expect(answer.content).toBeUndefined();
    const issued = new Date(answer.issuedAt as string).toLocaleDateString('de-DE', { timeZone: 'Europe/Berlin' });
    expect(answer.notice.de).toBe(
      `Echt, ausgestellt am ${issued} von Stadt Recklinghausen; die Daten des Antrags wurden gelöscht.`,
    );
    expect(answer.notice.en).toMatch(/^Genuine, issued on .+; the application's data has been deleted\.$/);
    const page = await send(portal.port, 'GET', `/verify/${gone.code}`, 'recklinghausen.localhost', undefined, {
      'accept-language': 'de',
    });
    expect(page.body).toContain('die Daten des Antrags wurden gelöscht');
    expect(page.body).not.toContain('Erika Mustermann');
    const english = await send(
      portal.port,
      'GET',
      `/verify/${gone.code}?lang=en`,
      'recklinghausen.localhost',
      undefined,
      {
        'accept-language': 'en',
      },
    );
    expect(english.body).toContain('the application&#x27;s data has been deleted');
    // A record changed afterwards fails its second signature.
    await db.query(`update public.documents set number = 'XX-0000-000000' where verify_code = $1`, [gone.code]);
    expect((await verify(gone.code)).status).toBe('forged');
    await db.query(`update public.documents set number = $2 where verify_code = $1`, [gone.code, gone.number]);
    expect((await verify(gone.code)).status).toBe('valid');

    // Each run is audited with its counts.
    const audits = (
      await db.query(`select data from public.audit_log where tenant_id = $1 and action = $2 order by created_at, id`, [
        recklinghausen.id,
        RETENTION_AUDIT_ACTION,
      ])
    ).rows as { data: Record<string, number> }[];
    expect(audits.map((a) => [a.data.deleted, a.data.anonymised])).toEqual([
      [0, 0],
      [0, 1],
      [1, 0],
    ]);

    // A second run changes nothing more.
    const before = await db.query(`select * from public.applications where tenant_id = $1 order by id`, [
      recklinghausen.id,
    ]);
    const documentsBefore = await db.query(`select * from public.documents where tenant_id = $1 order by id`, [
      recklinghausen.id,
    ]);
    expect(await sweep.sweep(recklinghausen, later(100))).toEqual({
      deleted: 0,
      anonymised: 0,
      documents: 0,
      files: 0,
      mails: 0,
      failed: 0,
    });
    expect(
      (await db.query(`select * from public.applications where tenant_id = $1 order by id`, [recklinghausen.id])).rows,
    ).toEqual(before.rows);
    expect(
      (await db.query(`select * from public.documents where tenant_id = $1 order by id`, [recklinghausen.id])).rows,
    ).toEqual(documentsBefore.rows);
    expect((await verify(kept.code)).status).toBe('valid');

    // Herten's own run: its application is due there.
    expect(await sweep.sweep(herten, later(100))).toMatchObject({ deleted: 1 });
    expect(await row(elsewhere.id)).toBeUndefined();
  });
});
