import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TenantFolder, TestResponse, copyDemoTenants, send } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { Citizen, payInSandbox, registerCitizen } from '../support-citizen';
import { TestSmtp, parseMail, startSmtp } from '../support-mail';
import { StaffLogin, staffSession } from '../support-staff';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (r: TestResponse) => JSON.parse(r.body) as Record<string, any>;

/**
 * A permit whose fee falls due only when it is granted (a Sondernutzungserlaubnis: the use of a
 * pavement is charged once the town allows it): approving moves the application to
 * `payment_pending`, the citizen is asked to pay, and after paying the rest of the procedure runs.
 */
const SONDERNUTZUNG = `
key: sondernutzung
version: 1.0.0
visibility: shared
leika: "99108012000000"
title: { de: "Sondernutzungserlaubnis", en: "Special use permit" }
summary: { de: "Erlaubnis, öffentlichen Straßenraum zu nutzen", en: "Permission to use public street space" }
lebenslagen: [wohnen-umzug]
trustLevel: basic
retention: P3Y
parameters:
  office:
    type: office
    label: { de: "Zuständige Stelle", en: "Responsible office" }
    required: true
  fee:
    type: money
    label: { de: "Gebühr", en: "Fee" }
    default: 45
    min: 0
    max: 1000
form:
  pages:
    - id: nutzung
      title: { de: "Nutzung", en: "Use" }
      items:
        - { id: ort, type: text, label: { de: "Ort", en: "Place" }, required: true }
        - { id: zweck, type: text, label: { de: "Zweck", en: "Purpose" }, required: true }
steps:
  - { id: antrag, kind: form }
  - { id: identitaet, kind: identity, level: basic }
  - { id: pruefung, kind: review, office: office }
  - { id: zahlung, kind: payment }
  - { id: bestaetigung, kind: notify, template: bestaetigung, to: applicant }
fees:
  - id: gebuehr
    label: { de: "Sondernutzungsgebühr", en: "Special use fee" }
    amount: { var: params.fee }
messages:
  bestaetigung:
    subject: { de: "Ihre Sondernutzungserlaubnis {{application.number}}", en: "Your special use permit {{application.number}}" }
    body:
      de: "Guten Tag,\\n\\ndie Gebühr ist bezahlt; Ihre Erlaubnis gilt.\\n\\nMit freundlichen Grüßen"
      en: "Hello,\\n\\nthe fee is paid; your permit is valid.\\n\\nKind regards"
`;

describe('a fee due only after approval', () => {
  let smtp: TestSmtp;
  let folder: TenantFolder;
  let portal: TestPortal;
  let citizen: Citizen;
  let caseworker: StaffLogin;

  beforeAll(async () => {
    smtp = await startSmtp();
    folder = copyDemoTenants();
    mkdirSync(join(folder.dir, 'recklinghausen', 'processes', 'sondernutzung'), { recursive: true });
    writeFileSync(join(folder.dir, 'recklinghausen', 'processes', 'sondernutzung', '1.0.0.yaml'), SONDERNUTZUNG);
    const file = join(folder.dir, 'recklinghausen', 'tenant.yaml');
    writeFileSync(
      file,
      readFileSync(file, 'utf8').replace(
        'services:\n',
        'services:\n  - definition: "recklinghausen/sondernutzung"\n    version: "^1"\n    parameters:\n      office: "strassenverkehr"\n      fee: 45\n',
      ),
    );
    portal = await startTestPortal({ smtpUrl: smtp.url, tenantsDir: folder.dir });
    citizen = await registerCitizen(portal, smtp, 'recklinghausen.localhost', 'cafe@example.org');
    caseworker = await staffSession(portal, 'recklinghausen', 'strasse@recklinghausen.de', 'caseworker', [
      'strassenverkehr',
    ]);
  });

  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
    folder?.remove();
  });

  const api = (method: string, path: string, body?: unknown) =>
    send(portal.port, method, path, citizen.host, body, { cookie: citizen.cookie });
  const status = async (id: string) => json(await api('GET', `/api/v1/applications/${id}`)).status as string;

  it('asks for the fee on approval, and completes once it is paid', async () => {
    const id = json(await api('POST', '/api/v1/applications', { serviceKey: 'sondernutzung' })).id as string;
    await api('PUT', `/api/v1/applications/${id}/answers`, {
      answers: { ort: 'Markt 1', zweck: 'Tische eines Cafés' },
    });
    const submitted = json(await api('POST', `/api/v1/applications/${id}/submit`));
    // Nothing to pay yet: the office decides first.
    expect(submitted.payment?.redirectUrl).toBeUndefined();
    await eventually(async () => (await status(id)) === 'in_review');

    const approved = await send(
      portal.port,
      'POST',
      `/api/v1/backoffice/applications/${id}/decision`,
      'recklinghausen.localhost',
      { decision: 'approve', message: 'Genehmigt für die Sommersaison.' },
      { cookie: caseworker.cookie, origin: 'http://recklinghausen.localhost' },
    );
    expect(approved.status).toBe(200);
    await eventually(async () => (await status(id)) === 'payment_pending');
    const request = await eventually(() =>
      Promise.resolve(
        smtp.received
          .filter((m) => m.to.includes(citizen.email))
          .map((m) => parseMail(m.raw))
          .find(
            (m) => m.text.includes(`/antraege/${id}`) && /zahl|pay/i.test(m.subject + m.text) && m.text.includes('45'),
          ),
      ),
    );
    expect(request.text).toContain('45,00');

    // Decided: no longer withdrawn by the citizen.
    expect((await api('POST', `/api/v1/applications/${id}/withdraw`)).status).toBe(409);

    const payment = json(await api('POST', `/api/v1/applications/${id}/payment`));
    expect(payment.redirectUrl).toBeDefined();
    await payInSandbox(portal, payment.redirectUrl as string);
    await eventually(async () => (await status(id)) === 'completed', 30_000);
    const view = json(await api('GET', `/api/v1/applications/${id}`));
    expect(view.payment).toMatchObject({ status: 'PAYED', amountCents: 4500 });
  });
});
