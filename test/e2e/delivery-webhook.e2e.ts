/**
 * The hand-off as a signed webhook, end to end: Recklinghausen hands its Bewohnerparkausweis to a
 * specialist software's receiver (a real HTTP server that checks signatures with the helper the
 * platform ships). The body carries the definition, the answers with labels, and signed links to
 * the summary and the citizen's file; a receiver that is down is tried again with the same id; one
 * that never answers properly makes a dead letter, which the tenant admin sees and sends again.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Applications } from '@openrathaus/applications';
import { loadConfig } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import { Deliveries, DeliveriesRepository, newWebhookSecret, postToTarget } from '@openrathaus/delivery';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { get, send } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { StaffLogin, staffSession } from '../support-staff';
import { PERMIT_ANSWERS, PERMIT_STEPS, onePagePdf, permitDueForHandoff, tenantsWithDelivery } from '../support-handoff';
import { TestWebhookReceiver, startWebhookReceiver } from '../support-webhook';

const HOST = 'recklinghausen.localhost';

describe('delivery: the signed webhook to the specialist software', () => {
  const oldSecret = newWebhookSecret();
  const newSecret = newWebhookSecret();
  let receiver: TestWebhookReceiver;
  let tenants: { dir: string; remove(): void };
  let storageDir: string;
  let portal: TestPortal;
  let tenant: Tenant;
  let transactions: TenantTransactions;
  let admin: StaffLogin;
  let pdf: Buffer;
  let serial = 0;

  /** A Bewohnerparkausweis due for its hand-off; its id and number. */
  const dueForHandoff = async (): Promise<{ id: string; number: string }> => {
    const number = `RE-2026-8${String(++serial).padStart(5, '0')}`;
    return { id: await permitDueForHandoff(portal, tenant, number, pdf), number };
  };

  const statusOf = async (id: string) =>
    (
      await transactions.run(tenant.id, (scope) =>
        scope.query<{ status: string }>(`select status from public.applications where id = $1`, [id]),
      )
    )[0].status;

  beforeAll(async () => {
    pdf = await onePagePdf();
    // The receiver still has only the old secret: the platform, rotating, signs with both.
    receiver = await startWebhookReceiver([oldSecret], { replays: true });
    tenants = tenantsWithDelivery([
      'targets:',
      '  - id: parken-software',
      '    kind: webhook',
      `    url: ${receiver.url}`,
      'services:',
      '  bewohnerparkausweis: parken-software',
    ]);
    storageDir = mkdtempSync(join(tmpdir(), 'or-delivery-files-'));
    const base = loadConfig({ NODE_ENV: 'test' }).delivery;
    portal = await startTestPortal({
      tenantsDir: tenants.dir,
      storageDir,
      delivery: {
        ...base,
        secrets: { RECKLINGHAUSEN_PARKEN_SOFTWARE: [newSecret, oldSecret] },
        pollMs: 100,
        retryBaseMs: 100,
        retryMaxMs: 400,
        giveUpMs: 3000,
        timeoutMs: 1500,
      },
    });
    tenant = portal.app.get(TenantRegistry).get('recklinghausen')!;
    transactions = portal.app.get(TenantTransactions);
    admin = await staffSession(portal, 'recklinghausen', 'admin@recklinghausen.de', 'tenant-admin');
  });

  afterAll(async () => {
    await portal?.stop();
    await receiver?.close();
    tenants?.remove();
    rmSync(storageDir, { recursive: true, force: true });
  });

  it('hands the application over, signed, with its definition, answers and file links, and then completes it', async () => {
    const { id, number } = await dueForHandoff();
    expect(await eventually(async () => ((await statusOf(id)) === 'completed' ? 'completed' : undefined))).toBe(
      'completed',
    );
    const [message] = receiver.received.filter(
      (r) => r.body.data.handoffId === r.id && (r.body.data.application as { id: string }).id === id,
    );
    expect(message.headers['webhook-signature']).toMatch(/^v1,\S+ v1,\S+$/);
    expect(message.body.type).toBe('application.submitted');
    const data = message.body.data as {
      definition: { owner: string; key: string; version: string };
      application: { number: string; answers: Record<string, unknown> };
      fields: { path: string; label: string; value: unknown }[];
      files: { field: string; filename: string; url: string; expiresAt: string }[];
    };
    expect(data.definition).toMatchObject({ owner: 'gelsenkirchen', key: 'bewohnerparkausweis', version: '1.5.0' });
    expect(data.application).toMatchObject({ number, answers: PERMIT_ANSWERS });
    expect(data.fields).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'kennzeichen', value: 'RE-AB 123' })]),
    );
    expect(data.files.map((f) => f.field)).toEqual(['summary', 'nachweisNutzung']);

    // The links work for a receiver, once; a changed one does not.
    const link = new URL(data.files[1].url);
    const file = await get(portal.port, link.pathname + link.search, HOST);
    expect(file.status).toBe(200);
    expect(file.headers['content-disposition']).toContain('attachment');
    const summary = new URL(data.files[0].url);
    expect((await get(portal.port, summary.pathname + summary.search, HOST)).body.startsWith('%PDF')).toBe(true);
    const forged = link.search.replace(/signature=[^&]+/, 'signature=AAAA');
    expect((await get(portal.port, link.pathname + forged, HOST)).status).toBe(404);
    const later = link.search.replace(/expires=\d+/, `expires=${Math.floor(Date.now() / 1000) + 999_999}`);
    expect((await get(portal.port, link.pathname + later, HOST)).status).toBe(404);
    // Another tenant's host does not serve it either.
    expect((await get(portal.port, link.pathname + link.search, 'gelsenkirchen.localhost')).status).toBe(404);

    const [delivery] = await portal.app.get(Deliveries).ofApplication(tenant, id);
    expect(delivery).toMatchObject({ id: message.id, status: 'delivered', attempts: 1, kind: 'webhook' });
  });

  it('tries again with the same id while the receiver is down, and hands over once', async () => {
    receiver.answer('unavailable', 2);
    const { id, number } = await dueForHandoff();
    await eventually(async () => ((await statusOf(id)) === 'completed' ? true : undefined));
    const [delivery] = await portal.app.get(Deliveries).ofApplication(tenant, id);
    expect(delivery).toMatchObject({ status: 'delivered', attempts: 3 });
    expect([...(receiver.idsByNumber().get(number) ?? [])]).toEqual([delivery.id]);
  });

  it('takes a hand-off up again soon after its sender died, though the poller had queued it', async () => {
    const applications = portal.app.get(Applications);
    const draft = await applications.startDraft(tenant, 'bewohnerparkausweis');
    const number = `RE-2026-8${String(++serial).padStart(5, '0')}`;
    // A hand-off the poller queued a while ago (its hold on the row lasts two minutes) …
    const [row] = await transactions.run(tenant.id, async (scope) => {
      await scope.query(
        `update public.applications set answers = $2, status = 'paid', number = $3, fee_cents = 3070,
           submitted_at = now(), step_index = $4 where id = $1`,
        [draft.id, PERMIT_ANSWERS, number, PERMIT_STEPS.deliver],
      );
      return scope.query<{ id: string }>(
        `insert into public.deliveries (tenant_id, application_id, step_index, target, kind, status, attempts,
           next_attempt_at, queued_until, continue_queue, continue_job)
         values ($1, $2, $3, 'parken-software', 'webhook', 'retrying', 1, now(), now() + interval '2 minutes',
           'workflow', 'application.advance')
         returning id`,
        [tenant.id, draft.id, PERMIT_STEPS.deliver],
      );
    });
    // … whose job a sender took for two seconds and then died with it.
    const taken = await transactions.run(tenant.id, (scope) =>
      portal.app.get(DeliveriesRepository).take(scope, row.id, 2),
    );
    expect(taken).toMatchObject({ id: row.id, status: 'sending', attempts: 2 });
    // Due again once the sender's hold has run out, not only when the poller's would have.
    await eventually(async () => ((await statusOf(draft.id)) === 'completed' ? true : undefined));
    expect([...(receiver.idsByNumber().get(number) ?? [])]).toEqual([row.id]);
  });

  it('parks a hand-off that never goes through as a dead letter the tenant admin sees and sends again', async () => {
    receiver.answer('redirect');
    const { id, number } = await dueForHandoff();
    const dead = await eventually(async () => {
      const [row] = await portal.app.get(Deliveries).ofApplication(tenant, id);
      return row?.status === 'dead' ? row : undefined;
    });
    expect(dead.lastError).toContain('redirect');
    expect(dead.attempts).toBeGreaterThan(1);
    expect(await statusOf(id)).toBe('paid');

    const listed = await get(portal.port, '/api/v1/backoffice/handoffs', HOST, { cookie: admin.cookie });
    expect(listed.status).toBe(200);
    expect(JSON.parse(listed.body).items).toEqual(
      expect.arrayContaining([expect.objectContaining({ id: dead.id, number, status: 'dead', kind: 'webhook' })]),
    );
    const page = await get(portal.port, '/backoffice/uebergaben', HOST, { cookie: admin.cookie });
    expect(page.status).toBe(200);
    expect(page.body).toContain(number);
    expect(page.body).toContain('Erneut senden');

    receiver.answer('ok', 0);
    const again = await send(
      portal.port,
      'POST',
      `/api/v1/backoffice/handoffs/${dead.id}/resend`,
      HOST,
      {},
      { cookie: admin.cookie },
    );
    expect(again.status).toBe(200);
    await eventually(async () => ((await statusOf(id)) === 'completed' ? true : undefined));
    expect([...(receiver.idsByNumber().get(number) ?? [])]).toEqual([dead.id]);
    // Through: it cannot be sent again; nonsense ids are not found.
    const twice = await send(
      portal.port,
      'POST',
      `/api/v1/backoffice/handoffs/${dead.id}/resend`,
      HOST,
      {},
      { cookie: admin.cookie },
    );
    expect(twice.status).toBe(409);
    for (const bad of ['x', '00000000-0000-4000-8000-000000000000', "1' or '1'='1"]) {
      const answer = await send(
        portal.port,
        'POST',
        `/api/v1/backoffice/handoffs/${encodeURIComponent(bad)}/resend`,
        HOST,
        {},
        { cookie: admin.cookie },
      );
      expect(answer.status).toBe(404);
    }
    const history = await transactions.run(tenant.id, (scope) =>
      scope.query<{ action: string; actor: string | null }>(
        `select action, actor from public.audit_log where subject = $1 and action like 'application.deliver%' order by created_at`,
        [`application:${id}`],
      ),
    );
    expect(history.map((h) => h.action)).toEqual([
      'application.delivery_failed',
      'application.delivery_resent',
      'application.delivered',
    ]);
  });

  it('counts a huge, a slow or a refused answer as a failure, never as success', async () => {
    const options = { timeoutMs: 1000, strict: false, allowHosts: [] };
    const headers = { 'webhook-id': 'x', 'webhook-timestamp': '1', 'webhook-signature': 'v1,x' };
    receiver.answer('huge', 1);
    await expect(postToTarget(receiver.url, '{}', headers, options)).rejects.toThrow(/larger than/);
    receiver.answer('slow', 1);
    await expect(postToTarget(receiver.url, '{}', headers, options)).rejects.toThrow(/no answer within/);
    // The receiver refuses a signature it cannot verify: 401 is a failure.
    await expect(postToTarget(receiver.url, '{}', headers, options)).rejects.toThrow(/answered 401/);
    expect(receiver.refused).toContain('too_old');
    // In production: https only, and no internal address unless allowed.
    const strict = { ...options, strict: true };
    await expect(postToTarget(receiver.url, '{}', headers, strict)).rejects.toThrow(/only https/);
    // A host the operator allows may be internal, and http.
    receiver.answer('ok', 0);
    await expect(postToTarget(receiver.url, '{}', headers, { ...strict, allowHosts: ['127.0.0.1'] })).rejects.toThrow(
      /answered 401/,
    );
    await expect(postToTarget('https://127.0.0.1:1/x', '{}', headers, strict)).rejects.toThrow(/internal address/);
    await expect(postToTarget('https://localhost:1/x', '{}', headers, strict)).rejects.toThrow(/internal address/);
    await expect(
      postToTarget('https://localhost:1/x', '{}', headers, { ...strict, allowHosts: ['localhost'] }),
    ).rejects.toThrow(/could not connect/);
  });
});
