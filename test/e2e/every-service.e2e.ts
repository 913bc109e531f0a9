import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Rules } from '@openrathaus/forms';
import { TestResponse, get, send } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { REFERENCE_SERVICES, ReferenceService } from '../support-answers';
import { Citizen, cookiesOf, payInSandbox, registerCitizen, upload } from '../support-citizen';
import { TestSmtp, startSmtp } from '../support-mail';
import { TestOidcProvider, startTestOidcProvider } from '../support-oidc';
import { StaffLogin, staffSession } from '../support-staff';

// Answers are read loosely; the assertions check their shape.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (response: TestResponse) => JSON.parse(response.body) as Record<string, any>;

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);

const FINAL = ['completed', 'rejected', 'withdrawn'];

interface Step {
  id: string;
  kind: string;
  when?: unknown;
  template?: string;
  office?: string;
}

interface Definition {
  steps: Step[];
  documents?: Record<string, { title: { de: string } }>;
}

interface TenantFile {
  services?: { definition: string; parameters?: Record<string, unknown> }[];
}

/**
 * Every reference service of `tenants/*\/processes`, applied for by a citizen of the tenant that
 * wrote it, goes through the steps of its definition — payment in the sandbox, step-up of the
 * identity level, the decision of a caseworker of the responsible office in the back office —
 * to `completed`, with the documents the definition issues; one is rejected and one withdrawn.
 */
describe('every reference service, from submission to a final status', () => {
  let smtp: TestSmtp;
  let oidc: TestOidcProvider;
  let portal: TestPortal;
  const rules = new Rules();
  const caseworkers = new Map<string, StaffLogin>();
  /** The final status each service reached, by key. */
  const finals = new Map<string, string>();

  beforeAll(async () => {
    smtp = await startSmtp();
    oidc = await startTestOidcProvider();
    portal = await startTestPortal({
      smtpUrl: smtp.url,
      oidcIssuer: oidc.issuer,
      oidcClientId: oidc.clientId,
      oidcClientSecret: oidc.clientSecret,
    });
    const tenants = [...new Set(REFERENCE_SERVICES.map((s) => s.tenant))];
    await oidc.register(tenants.map((t) => `http://${hostOf(t)}/konto/identitaet/callback`));
  });

  afterAll(async () => {
    await portal?.stop();
    await oidc?.stop();
    await smtp?.close();
  });

  // With the port, as a browser sends it: the step-up's callback URL is built from the Host header.
  const hostOf = (tenant: string) => `${tenant}.localhost:${portal.port}`;
  const tenantFile = (tenant: string) =>
    parse(readFileSync(join(portal.config.tenantsDir, tenant, 'tenant.yaml'), 'utf8')) as TenantFile;
  /** The parameters the tenant sets for the service (the `office` among them). */
  const adoption = (service: ReferenceService) =>
    tenantFile(service.tenant).services?.find((s) => s.definition.endsWith(`/${service.key}`))?.parameters ?? {};
  const definitionOf = (ref: { owner: string; key: string; version: string }) =>
    parse(
      readFileSync(join(portal.config.tenantsDir, ref.owner, 'processes', ref.key, `${ref.version}.yaml`), 'utf8'),
    ) as Definition;

  const api = (who: Citizen, method: string, path: string, body?: unknown) =>
    send(portal.port, method, path, who.host, body, { cookie: who.cookie });
  const view = async (who: Citizen, id: string) => json(await api(who, 'GET', `/api/v1/applications/${id}`));
  const until = (who: Citizen, id: string, done: (status: string) => boolean) =>
    eventually(async () => {
      const current = await view(who, id);
      return done(current.status as string) ? current : undefined;
    }, 30_000);

  const staffCall = (tenant: string, who: StaffLogin, method: string, path: string, body?: unknown) =>
    send(portal.port, method, path, `${tenant}.localhost`, body, {
      cookie: who.cookie,
      ...(method === 'GET' ? {} : { origin: `http://${tenant}.localhost` }),
    });

  /** A caseworker of one office of one tenant, logged in once and kept for the file. */
  async function caseworker(tenant: string, office: string): Promise<StaffLogin> {
    const known = caseworkers.get(`${tenant}/${office}`);
    if (known) return known;
    const login = await staffSession(portal, tenant, `${office}@${tenant}.example.org`, 'caseworker', [office]);
    caseworkers.set(`${tenant}/${office}`, login);
    return login;
  }

  /** A citizen of the service's tenant, at the level its definition needs (the eID played by the test provider). */
  async function citizenFor(service: ReferenceService, name: string): Promise<Citizen> {
    const citizen = await registerCitizen(portal, smtp, hostOf(service.tenant), `${name}@example.org`);
    if (!service.level) return citizen;
    const next = encodeURIComponent('/konto');
    const stepUp = await get(portal.port, `/konto/identitaet?level=${service.level}&next=${next}`, citizen.host, {
      cookie: citizen.cookie,
    });
    expect([302, 303]).toContain(stepUp.status);
    // Each citizen is another person at the provider: one eID belongs to one account.
    oidc.subject = `eid-${name}`;
    const back = new URL(await oidc.authorize(String(stepUp.headers.location)));
    const returned = await get(portal.port, back.pathname + back.search, citizen.host, { cookie: citizen.cookie });
    expect(returned.status).toBe(303);
    return { ...citizen, cookie: cookiesOf(returned, citizen.cookie) };
  }

  /** Started, files uploaded, answers saved without errors, submitted and paid where a fee is due. */
  async function submitted(citizen: Citizen, service: ReferenceService) {
    const started = await api(citizen, 'POST', '/api/v1/applications', { serviceKey: service.key });
    expect([service.key, started.status, started.body]).toEqual([service.key, 201, expect.any(String)]);
    const id = json(started).id as string;
    for (const file of service.files ?? []) {
      const uploaded = await upload(portal, citizen, id, file.field, file.filename, PDF);
      expect([file.field, uploaded.status, uploaded.body]).toEqual([file.field, 201, expect.any(String)]);
    }
    const saved = await api(citizen, 'PUT', `/api/v1/applications/${id}/answers`, {
      answers: service.answers(citizen.email),
    });
    expect(saved.status).toBe(200);
    expect(json(saved).errors).toEqual([]);
    const sent = await api(citizen, 'POST', `/api/v1/applications/${id}/submit`);
    expect([sent.status, json(sent).errors]).toEqual([200, undefined]);
    const application = json(sent);
    expect(application.number).toMatch(/^[A-Z]+-\d{4}-\d{6}$/);
    for (const file of service.files ?? []) expect(application.answers[file.field]).toHaveLength(1);
    if (application.feeCents > 0) {
      expect(application.status).toBe('payment_pending');
      const paid = await payInSandbox(portal, application.payment.redirectUrl as string);
      expect(paid.status).toBeLessThan(400);
    }
    return {
      id,
      definition: definitionOf(application.definition as never),
      answers: application.answers as Record<string, unknown>,
      feeCents: application.feeCents as number,
    };
  }

  /** The steps of the definition that run for these answers and the tenant's parameters. */
  const stepsFor = (definition: Definition, answers: Record<string, unknown>, params: Record<string, unknown>) =>
    definition.steps.filter((step) => rules.holds(step.when as never, { answers, params }));

  /** The application in the office's inbox, at the office the tenant set for the service; its caseworker. */
  async function inInbox(service: ReferenceService, citizen: Citizen, id: string) {
    const office = String(adoption(service).office);
    const staff = await caseworker(service.tenant, office);
    await until(citizen, id, (status) => status === 'in_review');
    const inbox = json(
      await staffCall(service.tenant, staff, 'GET', `/api/v1/backoffice/applications?service=${service.key}`),
    );
    const item = inbox.items.find((i: { id: string }) => i.id === id);
    expect(item).toMatchObject({ status: 'in_review', office: { id: office } });
    return staff;
  }

  it('has complete answers for every reference service, each applied for at the tenant that wrote it', () => {
    const authored = readdirSync(portal.config.tenantsDir).flatMap((tenant) => {
      let keys: string[] = [];
      try {
        keys = readdirSync(join(portal.config.tenantsDir, tenant, 'processes'));
      } catch {
        // A tenant that writes no definition of its own.
      }
      return keys.map((key) => `${tenant}/${key}`);
    });
    expect(authored).toHaveLength(13);
    expect(REFERENCE_SERVICES.map((s) => `${s.tenant}/${s.key}`).sort()).toEqual(authored.sort());
    for (const service of REFERENCE_SERVICES)
      expect([service.key, adoption(service).office]).toEqual([service.key, expect.any(String)]);
  });

  it.each(REFERENCE_SERVICES.map((service) => [service.key, service.tenant, service] as const))(
    '%s in %s goes from submission to completed',
    async (key, _tenant, service) => {
      const citizen = await citizenFor(service, `antrag.${key}`);
      const { id, definition, answers, feeCents } = await submitted(citizen, service);
      const steps = stepsFor(definition, answers, adoption(service));

      if (steps.some((step) => step.kind === 'review')) {
        const staff = await inInbox(service, citizen, id);
        const urkunde = key.endsWith('urkunde');
        const dispatchDate = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
        const approved = await staffCall(
          service.tenant,
          staff,
          'POST',
          `/api/v1/backoffice/applications/${id}/decision`,
          { decision: 'approve', message: 'Alles in Ordnung.', ...(urkunde ? { dispatchDate } : {}) },
        );
        expect([approved.status, approved.body]).toEqual([200, expect.any(String)]);
        expect(['approved', 'completed']).toContain(json(approved).status);
      }

      const templates = steps.filter((step) => step.kind === 'document').map((step) => step.template!);
      const done = await eventually(async () => {
        const current = await view(citizen, id);
        return current.status === 'completed' && current.documents.length >= templates.length ? current : undefined;
      }, 30_000);
      expect(done.documents.map((d: { title: string }) => d.title).sort()).toEqual(
        templates.map((t) => definition.documents![t].title.de).sort(),
      );
      if (feeCents > 0) expect(done.payment).toMatchObject({ status: 'PAYED', amountCents: feeCents });
      for (const document of done.documents) {
        expect(document.verifyCode).toMatch(/\S+/);
        const verified = json(await get(portal.port, `/verify/${document.verifyCode}?format=json`, citizen.host));
        expect(verified).toMatchObject({ status: 'valid', number: done.number });
      }
      if (key.endsWith('urkunde')) {
        expect(done.messages.some((m: { body: string }) => m.body.includes('versandt'))).toBe(true);
      }
      finals.set(key, done.status as string);
    },
  );

  it('takes a rejection with reasons to rejected, and the paid fee back', async () => {
    const service = REFERENCE_SERVICES.find((s) => s.key === 'reitkennzeichen')!;
    const citizen = await citizenFor(service, 'abgelehnt.reitkennzeichen');
    const { id } = await submitted(citizen, service);
    const staff = await inInbox(service, citizen, id);
    const rejected = await staffCall(service.tenant, staff, 'POST', `/api/v1/backoffice/applications/${id}/decision`, {
      decision: 'reject',
      message: 'Das Pferd wird außerhalb Dortmunds gehalten.',
    });
    expect(json(rejected).status).toBe('rejected');
    const current = await until(citizen, id, (status) => FINAL.includes(status));
    expect(current.status).toBe('rejected');
    expect(current.payment.refund).toMatchObject({ amountCents: current.feeCents });
    expect(current.documents).toEqual([]);
  });

  it('takes a withdrawal while in review to withdrawn', async () => {
    const service = REFERENCE_SERVICES.find((s) => s.key === 'musikschule')!;
    const citizen = await citizenFor(service, 'zurueckgezogen.musikschule');
    const { id } = await submitted(citizen, service);
    await inInbox(service, citizen, id);
    const withdrawn = await api(citizen, 'POST', `/api/v1/applications/${id}/withdraw`);
    expect(withdrawn.status).toBeLessThan(300);
    const current = await until(citizen, id, (status) => FINAL.includes(status));
    expect(current.status).toBe('withdrawn');
  });

  it('brought every one of the reference services to a final status', () => {
    expect(Object.fromEntries(finals)).toEqual(
      Object.fromEntries(REFERENCE_SERVICES.map((service) => [service.key, 'completed'])),
    );
    expect([...finals.values()].filter((status) => FINAL.includes(status))).toHaveLength(13);
  });
});
