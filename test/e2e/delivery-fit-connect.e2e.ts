/**
 * The hand-off through FIT-Connect, end to end from a reference service: Recklinghausen's
 * Bewohnerparkausweis goes to a destination of the local Submission API stand-in, encrypted for
 * the destination's key (whose chain the sender checks against the test's CA); the worker follows
 * the case's event log, completes the application on acceptance and shows a rejection to the
 * tenant admin.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import { Deliveries } from '@openrathaus/delivery';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { TestPortal, eventually, startTestPortal } from '../support';
import { FitConnectStandIn, startFitConnectStandIn } from '../support-fitconnect';
import { onePagePdf, permitDueForHandoff, tenantsWithDelivery } from '../support-handoff';

describe('delivery: FIT-Connect from a reference service', () => {
  let standIn: FitConnectStandIn;
  let tenants: { dir: string; remove(): void };
  let storageDir: string;
  let portal: TestPortal;
  let tenant: Tenant;
  let transactions: TenantTransactions;
  let pdf: Buffer;
  let serial = 0;

  const dueForHandoff = async (): Promise<{ id: string; number: string }> => {
    const number = `RE-2026-7${String(++serial).padStart(5, '0')}`;
    return { id: await permitDueForHandoff(portal, tenant, number, pdf), number };
  };

  const deliveryOf = async (id: string) => (await portal.app.get(Deliveries).ofApplication(tenant, id))[0];

  beforeAll(async () => {
    pdf = await onePagePdf();
    // The destination offers the Bewohnerparkausweis (its definition's LeiKa key).
    standIn = await startFitConnectStandIn({ leikaId: '99108001001000' });
    tenants = tenantsWithDelivery(
      [
        'targets:',
        '  - id: fit-connect',
        '    kind: fit-connect',
        `    destinationId: ${standIn.destinationId}`,
        `    submissionUrl: ${standIn.submissionUrl}`,
        `    tokenUrl: ${standIn.tokenUrl}`,
        `    clientId: ${standIn.clientId}`,
        '    trustedCa: assets/fit-connect-ca.pem',
        'services:',
        '  bewohnerparkausweis: fit-connect',
      ],
      { 'fit-connect-ca.pem': standIn.trustedCaPem },
    );
    storageDir = mkdtempSync(join(tmpdir(), 'or-fitconnect-files-'));
    portal = await startTestPortal({
      tenantsDir: tenants.dir,
      storageDir,
      delivery: {
        ...loadConfig({ NODE_ENV: 'test' }).delivery,
        secrets: { RECKLINGHAUSEN_FIT_CONNECT: [standIn.clientSecret] },
        pollMs: 100,
        retryBaseMs: 100,
        retryMaxMs: 400,
      },
    });
    tenant = portal.app.get(TenantRegistry).get('recklinghausen')!;
    transactions = portal.app.get(TenantTransactions);
  });

  afterAll(async () => {
    await portal?.stop();
    await standIn?.stop();
    tenants?.remove();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('submits encrypted, follows the event log and completes the application on acceptance', async () => {
    const { id, number } = await dueForHandoff();
    const delivered = await eventually(async () => {
      const row = await deliveryOf(id);
      return row?.status === 'delivered' ? row : undefined;
    });
    const received = standIn.received.find((r) => r.submissionId === delivered.receipt?.submissionId);
    expect(received?.accepted).toBe(true);
    const data = JSON.parse(received?.data?.toString('utf8') ?? '{}') as { application: { number: string } };
    expect(data.application.number).toBe(number);
    expect(received?.attachments.size).toBe(2);
    expect(delivered.receipt).toMatchObject({ to: standIn.destinationId, caseId: expect.any(String) });
    await eventually(async () => {
      const [row] = await transactions.run(tenant.id, (scope) =>
        scope.query<{ status: string }>(`select status from public.applications where id = $1`, [id]),
      );
      return row.status === 'completed' ? true : undefined;
    });
    const history = await transactions.run(tenant.id, (scope) =>
      scope.query<{ action: string }>(
        `select action from public.audit_log where subject = $1 and action like 'application.deliver%' order by created_at`,
        [`application:${id}`],
      ),
    );
    expect(history.map((h) => h.action)).toEqual(['application.delivery_submitted', 'application.delivered']);
  });

  it('reads the event log again while it cannot be reached, without submitting twice', async () => {
    const before = standIn.received.length;
    standIn.failNext(2, 503, /\/events/);
    const { id } = await dueForHandoff();
    const delivered = await eventually(async () => {
      const row = await deliveryOf(id);
      return row?.status === 'delivered' ? row : undefined;
    });
    expect(standIn.received.length).toBe(before + 1);
    expect(delivered.attempts).toBe(1);
  });

  it('shows a rejection by the destination to the tenant admin, and leaves the application waiting', async () => {
    standIn.rejectNext([{ type: 'urn:test:incomplete', title: 'Nachweis fehlt' }]);
    const { id } = await dueForHandoff();
    const rejected = await eventually(async () => {
      const row = await deliveryOf(id);
      return row?.status === 'rejected' ? row : undefined;
    });
    expect(rejected.lastError).toContain('Nachweis fehlt');
    const failed = await portal.app.get(Deliveries).failed(tenant);
    expect(failed.map((f) => f.id)).toContain(rejected.id);
  });

  it('refuses a destination key that does not chain to the trusted CA, as a dead letter', async () => {
    standIn.serveKey('untrusted');
    try {
      const { id } = await dueForHandoff();
      const dead = await eventually(async () => {
        const row = await deliveryOf(id);
        return row?.status === 'dead' ? row : undefined;
      });
      expect(dead.lastError).toMatch(/certificate|chain|CA/i);
    } finally {
      standIn.serveKey('trusted');
    }
  });
});
