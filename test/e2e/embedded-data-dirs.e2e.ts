import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@openrathaus/core';
import { openEmbeddedDatabase, readEmbeddedLock } from '@openrathaus/database';
import { TestResponse, get, send } from '@openrathaus/testing';
import { RunningPortal, startPortal } from '../../apps/portal/src/portal';
import { eventually } from '../support';
import { PortalAddress, payInSandbox, registerCitizen, upload } from '../support-citizen';
import { TestSmtp, startSmtp } from '../support-mail';

const freePort = (): Promise<number> =>
  new Promise((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (response: TestResponse) => JSON.parse(response.body) as Record<string, any>;

const PDF = Buffer.from(
  '%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n',
);
const HOST = 'recklinghausen.localhost';

/** Files below `dir`, recursively. */
const filesIn = (dir: string): string[] =>
  existsSync(dir)
    ? readdirSync(dir, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => e.name)
    : [];

/** Register, apply for a resident parking permit, pay in the sandbox; the application once its document is issued. */
async function applyThroughTheApi(portal: PortalAddress, smtp: TestSmtp, email: string) {
  const citizen = await registerCitizen(portal, smtp, HOST, email);
  const call = (method: string, path: string, body?: unknown) =>
    send(portal.port, method, path, HOST, body, { cookie: citizen.cookie });
  const params = json(await get(portal.port, '/api/v1/services/bewohnerparkausweis', HOST)).parameters as {
    zones: string[];
    postalCodes: string[];
  };
  const id = json(await call('POST', '/api/v1/applications', { serviceKey: 'bewohnerparkausweis' })).id as string;
  await call('PUT', `/api/v1/applications/${id}/answers`, {
    answers: {
      vorname: 'Erika',
      nachname: 'Mustermann',
      geburtsdatum: '1980-05-17',
      anschrift: { street: 'Rathausplatz', houseNumber: '3', postalCode: params.postalCodes[0], city: 'Stadt' },
      email,
      kennzeichen: 're-ab 123',
      halter: 'eigen',
      zone: params.zones[0],
      versicherung: true,
      datenschutz: true,
    },
  });
  expect((await upload(portal, citizen, id, 'zulassung', 'z.pdf', PDF)).status).toBe(201);
  const submitted = json(await call('POST', `/api/v1/applications/${id}/submit`));
  expect(submitted.status).toBe('payment_pending');
  await payInSandbox(portal, submitted.payment.redirectUrl as string);
  const done = await eventually(async () => {
    const view = json(await call('GET', `/api/v1/applications/${id}`));
    return view.status === 'completed' && view.documents.length ? view : undefined;
  }, 120_000);
  return { citizen, id, document: done.documents[0] as { url: string } };
}

/** Two `npm start` from two data directories on one machine, both asking for the same database port. */
describe('embedded databases of two data directories side by side', () => {
  let smtp: TestSmtp;
  let preferredPort: number;
  const dirs: string[] = [];
  const portals: RunningPortal[] = [];

  beforeAll(async () => {
    smtp = await startSmtp();
    preferredPort = await freePort();
    for (const name of ['first', 'second']) {
      const dataDir = mkdtempSync(join(tmpdir(), `or-embedded-${name}-`));
      dirs.push(dataDir);
      const config = loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        DATA_DIR: dataDir,
        EMBEDDED_DB_PORT: String(preferredPort),
        TENANTS_DIR: join(__dirname, '..', '..', 'tenants'),
        SMTP_URL: smtp.url,
        LOG_LEVEL: 'silent',
      });
      portals.push(await startPortal(config));
    }
  }, 240_000);

  afterAll(async () => {
    for (const portal of portals) await portal.close();
    await smtp?.close();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('gives each data directory its own database, on a port its lock file names', () => {
    const [first, second] = dirs.map((dir) => readEmbeddedLock(dir));
    expect(first).toEqual({ pid: process.pid, port: preferredPort });
    // The second found the port taken by the first one's database and took another.
    expect(second).toEqual({ pid: process.pid, port: expect.any(Number) });
    expect(second!.port).not.toBe(preferredPort);
    expect(portals.map((p) => new URL(p.config.databaseUrl!).port)).toEqual([first!.port, second!.port].map(String));
  });

  it('attaches a command line to the database of its own data directory', async () => {
    // The command line's way in: DATA_DIR's lock, whatever EMBEDDED_DB_PORT says.
    const attached = await openEmbeddedDatabase(dirs[1], preferredPort);
    expect(attached).toMatchObject({ attached: true, port: readEmbeddedLock(dirs[1])!.port });
    await attached.stop();
    expect(readEmbeddedLock(dirs[1])).toBeDefined();
  });

  it('takes an application to its document on each, and serves it from there', async () => {
    const [first, second] = await Promise.all(
      portals.map((portal, i) =>
        applyThroughTheApi({ port: portal.config.port }, smtp, `erika.${i}@example.org`).then((r) => ({
          ...r,
          port: portal.config.port,
        })),
      ),
    );
    for (const [mine, other] of [
      [first, second],
      [second, first],
    ]) {
      const pdf = await get(mine.port, mine.document.url, HOST, { cookie: mine.citizen.cookie });
      expect(pdf.status).toBe(200);
      expect(pdf.headers['content-type']).toBe('application/pdf');
      // The other portal has its own database: it knows neither the citizen nor the application.
      const elsewhere = await send(other.port, 'GET', `/api/v1/applications/${mine.id}`, HOST, undefined, {
        cookie: mine.citizen.cookie,
      });
      expect(elsewhere.status).toBe(401);
    }
    // Each portal's files are under its own data directory.
    for (const dir of dirs) expect(filesIn(join(dir, 'files')).length).toBeGreaterThanOrEqual(2);
  }, 300_000);

  it('releases the lock when a portal stops', async () => {
    await portals.pop()!.close();
    expect(readEmbeddedLock(dirs[1])).toBeUndefined();
  });
});
