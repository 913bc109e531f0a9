import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { Client } from 'pg';
import { Applications } from '@openrathaus/applications';
import { ProcessDefinition } from '@openrathaus/catalog';
import { APP_CONFIG, FILE_STORAGE, FileStorage } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import {
  Documents,
  DocumentsError,
  DocumentsRepository,
  IssueDocumentInput,
  SigningKeys,
} from '@openrathaus/documents';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { get, pdfQrText, pdfText } from '@openrathaus/testing';
import { Rules } from '@openrathaus/forms';
import { I18n } from '@openrathaus/i18n';
import { TestPortal, startTestPortal } from '../support';

const ANSWERS = {
  vorname: 'Erika',
  nachname: 'Mustermann',
  kennzeichen: 'RE-AB 123',
  zweitesKennzeichen: 'RE-XY 99',
  zone: 'Paulusviertel',
  halter: 'eigen',
};

describe('documents: issue, store, verify', () => {
  let portal: TestPortal;
  let storageDir: string;
  let documents: Documents;
  let registry: TenantRegistry;
  let transactions: TenantTransactions;
  let recklinghausen: Tenant;
  let gelsenkirchen: Tenant;
  let serial = 0;

  /** A draft of the Bewohnerparkausweis with answers, and what issuing needs from it. */
  async function application(
    tenant: Tenant,
    answers: Record<string, unknown> = ANSWERS,
    locale = 'de',
  ): Promise<IssueDocumentInput> {
    const draft = await portal.app.get(Applications).startDraft(tenant, 'bewohnerparkausweis');
    const [row] = await transactions.run(tenant.id, async (scope) => {
      await scope.query(`update public.applications set answers = $2 where id = $1`, [draft.id, answers]);
      return scope.query<{ parameters: Record<string, unknown>; document: ProcessDefinition }>(
        `select a.parameters, d.document from public.applications a
           join public.process_definitions d on d.id = a.definition_id where a.id = $1`,
        [draft.id],
      );
    });
    const prefix = tenant.slug === 'recklinghausen' ? 'RE' : 'GE';
    return {
      application: {
        id: draft.id,
        number: `${prefix}-2026-${String(++serial).padStart(6, '0')}`,
        answers,
        parameters: row.parameters,
        submittedAt: new Date(),
      },
      definition: row.document,
      templateKey: 'parkausweis',
      holder: `${String(answers.vorname)} ${String(answers.nachname)}`,
      locale,
    };
  }

  const verifyJson = async (code: string, host = 'localhost') => {
    const res = await get(portal.port, `/verify/${encodeURIComponent(code)}?format=json`, `${host}:${portal.port}`);
    expect(res.status).toBe(200);
    return JSON.parse(res.body) as { status: string } & Record<string, unknown>;
  };

  beforeAll(async () => {
    storageDir = mkdtempSync(join(tmpdir(), 'or-documents-'));
    portal = await startTestPortal({ storageDir });
    documents = portal.app.get(Documents);
    registry = portal.app.get(TenantRegistry);
    transactions = portal.app.get(TenantTransactions);
    recklinghausen = registry.get('recklinghausen')!;
    gelsenkirchen = registry.get('gelsenkirchen')!;
  });

  afterAll(async () => {
    await portal?.stop();
    rmSync(storageDir, { recursive: true, force: true });
  });

  describe('a Bewohnerparkausweis of Recklinghausen', () => {
    let input: IssueDocumentInput;
    let issued: Awaited<ReturnType<Documents['issue']>>;
    let bytes: Buffer;

    beforeAll(async () => {
      input = await application(recklinghausen);
      issued = await documents.issue(recklinghausen, input);
      bytes = (await documents.file(recklinghausen, input.application.id, issued.id)).bytes;
    });

    it('is issued with title, file name, a year of validity and a code of the tenant', () => {
      expect(issued.title).toBe('Bewohnerparkausweis');
      expect(issued.filename).toBe(`bewohnerparkausweis-${input.application.number}.pdf`);
      const today = new Date().toLocaleDateString('en-CA', { timeZone: 'Europe/Berlin' });
      expect(issued.validUntil).toBe(`${Number(today.slice(0, 4)) + 1}${today.slice(4)}`.replace('-02-29', '-02-28'));
      expect(issued.verifyCode).toMatch(/^recklinghausen\.[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    });

    it('is a PDF whose text names the tenant, the plates, the zone and the validity', async () => {
      const pdf = await PDFDocument.load(bytes, { updateMetadata: false });
      expect(pdf.getPageCount()).toBe(1);
      expect(pdf.getAuthor()).toBe('Stadt Recklinghausen');
      expect(pdf.getTitle()).toBe('Bewohnerparkausweis');
      // Lines as the reader extracts them, joined: the template's sentences wrap across lines.
      const text = (await pdfText(bytes))[0].replace(/\s+/g, ' ');
      const until = new Date(issued.validUntil!).toLocaleDateString('de-DE', { timeZone: 'Europe/Berlin' });
      for (const expected of [
        'Stadt Recklinghausen – Straßenverkehrsbehörde',
        `BEWOHNERPARKAUSWEIS Nr. ${input.application.number}`,
        'Amtliches Kennzeichen: RE-AB 123 / RE-XY 99',
        'Bewohnerparkzone: Paulusviertel',
        `Gültig bis: ${until}`,
        'Erika Mustermann',
        '„Bewohner mit Parkausweis Nr. … frei“',
      ]) {
        expect(text).toContain(expected);
      }
    });

    it('carries a QR code of its verification page, which says it is genuine and valid', async () => {
      const url = await pdfQrText(bytes);
      expect(url).toBe(`http://recklinghausen.localhost:${portal.port}/verify/${issued.verifyCode}`);
      const { pathname } = new URL(url!);
      const page = await get(portal.port, pathname, `recklinghausen.localhost:${portal.port}`);
      expect(page.status).toBe(200);
      expect(page.headers['cache-control']).toBe('no-store');
      expect(page.body).toContain('data-status="valid"');
      expect(page.body).toContain('Echt und gültig');
      expect(page.body).toContain('Erika Mustermann');
      expect(page.body).toContain('Amtliches Kennzeichen: RE-AB 123 / RE-XY 99');
      expect(page.body).toContain('<title>Dokument prüfen – Stadt Recklinghausen</title>');

      const english = await get(portal.port, `${pathname}?lang=en`, `recklinghausen.localhost:${portal.port}`);
      expect(english.body).toContain('Genuine and valid');
    });

    it('answers the same as JSON, on the tenant host, on another tenant host and on localhost', async () => {
      for (const host of ['recklinghausen.localhost', 'gelsenkirchen.localhost', 'localhost']) {
        const json = await verifyJson(issued.verifyCode, host);
        expect(json).toMatchObject({
          status: 'valid',
          code: issued.verifyCode,
          tenantName: 'Stadt Recklinghausen',
          title: 'Bewohnerparkausweis',
          holder: 'Erika Mustermann',
          number: input.application.number,
          validUntil: issued.validUntil,
        });
      }
      const accept = await get(portal.port, `/verify/${issued.verifyCode}`, `localhost:${portal.port}`, {
        accept: 'application/json',
      });
      expect(JSON.parse(accept.body)).toMatchObject({ status: 'valid' });
      const html = await get(portal.port, `/verify/${issued.verifyCode}`, `localhost:${portal.port}`);
      expect(html.headers['content-type']).toMatch(/text\/html/);
      expect(html.body).toContain('data-status="valid"');
    });

    it('calls a code with one character changed, cut short or made up not genuine, never an error', async () => {
      const last = issued.verifyCode.slice(-1);
      const altered = issued.verifyCode.slice(0, -1) + (last === 'A' ? 'B' : 'A');
      const other = issued.verifyCode.replace(/\.(.)/, (_, c: string) => `.${c === '7' ? '8' : '7'}`);
      for (const code of [altered, other, issued.verifyCode.slice(0, -3), 'recklinghausen.0000-0000-0000-0000']) {
        expect((await verifyJson(code)).status).toBe('unknown');
      }
      for (const path of ['/verify/%00', `/verify/${'x'.repeat(90)}`, '/verify/nobody.7K3M-9QXT-2BHD-4RW5']) {
        const page = await get(portal.port, path, `recklinghausen.localhost:${portal.port}`);
        expect(page.status).toBe(200);
        expect(page.body).toContain('Nicht echt');
      }
    });

    it('is issued once per application and template', async () => {
      const again = await documents.issue(recklinghausen, input);
      expect(again.id).toBe(issued.id);
      const both = await Promise.all([documents.issue(recklinghausen, input), documents.issue(recklinghausen, input)]);
      expect(both.map((d) => d.id)).toEqual([issued.id, issued.id]);
      expect(await documents.list(recklinghausen, input.application.id)).toHaveLength(1);

      // Two workers at the same moment for a new application: one document, one file.
      const fresh = await application(recklinghausen);
      const raced = await Promise.all([documents.issue(recklinghausen, fresh), documents.issue(recklinghausen, fresh)]);
      expect(raced[0].id).toBe(raced[1].id);
      expect(await documents.list(recklinghausen, fresh.application.id)).toHaveLength(1);
      const files = readdirSync(join(storageDir, recklinghausen.id, 'documents'));
      const rows = await transactions.run(recklinghausen.id, (scope) =>
        scope.query<{ id: string }>(`select id from public.documents`),
      );
      expect(files.sort()).toEqual(rows.map((r) => `${r.id}.pdf`).sort());
    });

    it('is refused for a document of another application', async () => {
      const other = await application(recklinghausen);
      await expect(documents.file(recklinghausen, other.application.id, issued.id)).rejects.toThrow(DocumentsError);
      await expect(documents.file(recklinghausen, 'not-a-uuid', issued.id)).rejects.toThrow(/documents.not_found/);
    });
  });

  it('keeps codes of a retired key verifying after the key is rotated', async () => {
    const keys = portal.app.get(SigningKeys);
    const before = await documents.issue(gelsenkirchen, await application(gelsenkirchen));
    const rotated = await keys.rotate(gelsenkirchen.id);
    const after = await documents.issue(gelsenkirchen, await application(gelsenkirchen));
    const list = await keys.list(gelsenkirchen.id);
    expect(list[0]).toMatchObject({ id: rotated.id, retiredAt: null });
    expect(list.filter((k) => k.retiredAt !== null).length).toBeGreaterThanOrEqual(1);
    const [a, b] = [await verifyJson(before.verifyCode), await verifyJson(after.verifyCode)];
    expect(a.status).toBe('valid');
    expect(b.status).toBe('valid');
    expect((a.proof as { keyId: string }).keyId).not.toBe(rotated.id);
    expect((b.proof as { keyId: string }).keyId).toBe(rotated.id);
  });

  it('shows an expired document as expired and a revoked one as revoked', async () => {
    const app = portal.app;
    const lastYear = new Documents(
      transactions,
      app.get(DocumentsRepository),
      registry,
      app.get(SigningKeys),
      app.get(I18n),
      app.get(Rules),
      app.get<FileStorage>(FILE_STORAGE),
      app.get(APP_CONFIG),
      { now: () => new Date('2024-05-02T09:00:00Z') },
    );
    const old = await lastYear.issue(recklinghausen, await application(recklinghausen));
    expect(old.validUntil).toBe('2025-05-02');
    expect(await verifyJson(old.verifyCode)).toMatchObject({ status: 'expired', validUntil: '2025-05-02' });
    const expiredPage = await get(portal.port, `/verify/${old.verifyCode}`, `recklinghausen.localhost:${portal.port}`);
    expect(expiredPage.body).toContain('Echt, aber abgelaufen');

    const currentInput = await application(recklinghausen);
    const current = await documents.issue(recklinghausen, currentInput);
    const revoked = await documents.revoke(recklinghausen, current.id);
    expect(revoked.revokedAt).toBeInstanceOf(Date);
    expect(await verifyJson(current.verifyCode)).toMatchObject({ status: 'revoked' });
    expect(await documents.attachments(recklinghausen, currentInput.application.id)).toEqual([]);
  });

  it('calls a document whose record was changed afterwards forged', async () => {
    const input = await application(recklinghausen);
    const doc = await documents.issue(recklinghausen, input);
    await transactions.run(recklinghausen.id, (scope) =>
      scope.query(`update public.documents set valid_until = valid_until + 365 where id = $1`, [doc.id]),
    );
    expect(await verifyJson(doc.verifyCode)).toEqual({ status: 'forged', code: doc.verifyCode });
    const page = await get(portal.port, `/verify/${doc.verifyCode}`, `recklinghausen.localhost:${portal.port}`);
    expect(page.body).toContain('Nicht echt');
    expect(page.body).not.toContain('Erika Mustermann');
  });

  it('writes English documents in English', async () => {
    const input = await application(gelsenkirchen, { ...ANSWERS, kennzeichen: 'GE-Ş 77', zone: 'Buer A' }, 'en');
    const doc = await documents.issue(gelsenkirchen, input);
    expect(doc.title).toBe('Resident parking permit');
    const [text] = await pdfText((await documents.file(gelsenkirchen, input.application.id, doc.id)).bytes);
    // A letter the standard fonts lack is printed as it is, in the embedded font, not reduced to S.
    expect(text).toContain('Registration number: GE-Ş 77');
    expect(text).toContain('Valid until and including');
    expect(text).toContain('Stadt Gelsenkirchen – Road traffic authority');
  });

  describe('between tenants', () => {
    it('shows tenant B nothing of tenant A, through the service and through SQL as the application role', async () => {
      const input = await application(gelsenkirchen);
      const doc = await documents.issue(gelsenkirchen, input);
      expect(await documents.list(recklinghausen, input.application.id)).toEqual([]);
      await expect(documents.file(recklinghausen, input.application.id, doc.id)).rejects.toThrow(/documents.not_found/);
      await expect(documents.revoke(recklinghausen, doc.id)).rejects.toThrow(/documents.not_found/);
      expect(await documents.attachments(recklinghausen, input.application.id)).toEqual([]);

      const sql = new Client({ connectionString: portal.db.appUrl });
      await sql.connect();
      try {
        await sql.query('begin');
        await sql.query(`select set_config('app.tenant_id', $1, true)`, [recklinghausen.id]);
        const docs = await sql.query(`select count(*)::int as n from public.documents where id = $1`, [doc.id]);
        const keys = await sql.query(`select count(*)::int as n from public.signing_keys where tenant_id = $1`, [
          gelsenkirchen.id,
        ]);
        expect([docs.rows[0].n, keys.rows[0].n]).toEqual([0, 0]);
        await expect(
          sql.query(`update public.documents set revoked_at = now() where id = $1 returning id`, [doc.id]),
        ).resolves.toMatchObject({ rowCount: 0 });
        await expect(
          sql.query(`insert into public.signing_keys (tenant_id, public_key, private_key) values ($1, 'x', 'y')`, [
            gelsenkirchen.id,
          ]),
        ).rejects.toThrow(/row-level security/);
        await sql.query('rollback');
      } finally {
        await sql.end();
      }
      expect((await verifyJson(doc.verifyCode)).status).toBe('valid');
    });

    it('keeps the private keys sealed in the database', async () => {
      const sql = new Client({ connectionString: portal.db.ownerUrl });
      await sql.connect();
      try {
        const rows = await sql.query<{ private_key: string }>(`select private_key from public.signing_keys`);
        expect(rows.rows.length).toBeGreaterThan(0);
        for (const row of rows.rows) {
          expect(row.private_key).toMatch(/^v1\./);
          expect(row.private_key).not.toMatch(/BEGIN|MC4CAQAwBQYDK2Vw/);
        }
      } finally {
        await sql.end();
      }
    });
  });

  it('offers a form that leads to the code page', async () => {
    const form = await get(portal.port, '/verify', `gelsenkirchen.localhost:${portal.port}`);
    expect(form.status).toBe(200);
    expect(form.body).toContain('name="code"');
    const go = await get(portal.port, '/verify?code=gelsenkirchen.ABCD', `gelsenkirchen.localhost:${portal.port}`);
    expect(go.status).toBe(303);
    expect(go.headers.location).toBe('/verify/gelsenkirchen.ABCD');
  });
});
