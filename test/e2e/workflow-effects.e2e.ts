import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Applications } from '@openrathaus/applications';
import { Deliveries } from '@openrathaus/delivery';
import { TenantTransactions } from '@openrathaus/database';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { StepEffects, Workflow } from '@openrathaus/workflow';
import { TestPortal, eventually, startTestPortal } from '../support';
import { PERMIT_ANSWERS, PERMIT_STEPS } from '../support-handoff';

const ANSWERS = PERMIT_ANSWERS;
const DOCUMENT_STEP = PERMIT_STEPS.document;

describe('workflow: a retried job repeats no effect of a step', () => {
  let portal: TestPortal;
  let storageDir: string;
  let tenant: Tenant;
  let transactions: TenantTransactions;
  let workflow: Workflow;
  let applicationId: string;

  /** What the steps did to the application, counted where each effect lands. */
  const effects = () =>
    transactions.run(tenant.id, async (scope) => {
      const [row] = await scope.query<Record<string, string>>(
        `select
           (select count(*) from public.documents where application_id = $1) as documents,
           (select count(*) from public.mails where application_id = $1) as mails,
           (select count(*) from public.audit_log where subject = $2 and action = 'application.delivered') as handoffs,
           (select count(*) from public.audit_log where subject = $2 and action = 'application.mail_withheld') as withheld,
           (select status from public.applications where id = $1) as status`,
        [applicationId, `application:${applicationId}`],
      );
      return row;
    });

  /** What the worker's advance job does (`WorkflowAdvanceHandler`). */
  const runJob = () => workflow.advance(tenant, applicationId, { inline: false });

  beforeAll(async () => {
    storageDir = mkdtempSync(join(tmpdir(), 'or-workflow-effects-'));
    portal = await startTestPortal({ storageDir });
    tenant = portal.app.get(TenantRegistry).get('recklinghausen')!;
    transactions = portal.app.get(TenantTransactions);
    workflow = portal.app.get(Workflow);
    const draft = await portal.app.get(Applications).startDraft(tenant, 'bewohnerparkausweis');
    applicationId = draft.id;
    // Paid and due for the worker's steps, as `confirmPayment` leaves an application.
    await transactions.run(tenant.id, (scope) =>
      scope.query(
        `update public.applications set answers = $2, status = 'paid', number = 'RE-2026-900001', fee_cents = 3070,
           submitted_at = now(), step_index = $3 where id = $1`,
        [applicationId, ANSWERS, DOCUMENT_STEP],
      ),
    );
  });

  afterAll(async () => {
    await portal?.stop();
    rmSync(storageDir, { recursive: true, force: true });
  });

  /** The effects once the hand-off went through and the application went on (the worker's jobs). */
  const settled = () => eventually(async () => ((await effects()).status === 'completed' ? effects() : undefined));

  it('runs the document, message and hand-off steps once, each effect recorded under its key', async () => {
    await runJob();
    expect(await settled()).toEqual({ documents: '1', mails: '1', handoffs: '1', withheld: '1', status: 'completed' });
    const recorded = await portal.app.get(StepEffects).list(tenant.id, applicationId);
    expect(recorded.map((e) => [e.key, e.kind])).toEqual([
      [`${applicationId}:3:document`, 'document'],
      [`${applicationId}:4:mail`, 'mail'],
      [`${applicationId}:5:handoff`, 'handoff'],
    ]);
    expect(recorded[0].result).toMatchObject({ template: 'parkausweis', documentId: expect.any(String) });
    expect(recorded[2].result).toMatchObject({ target: 'email', handoffId: expect.any(String) });
    // The mail to the office, as sent, with the application's summary as a PDF.
    const [toOffice] = await transactions.run(tenant.id, (scope) =>
      scope.query<{ to: string; text: string; attachments: { filename: string }[] }>(
        `select to_address as "to", text, attachments from public.captured_mails where subject like 'Neuer Antrag RE-2026-900001%'`,
      ),
    );
    expect(toOffice.to).toBe('stadtverwaltung@recklinghausen.de');
    expect(toOffice.text).toContain('Kennzeichen: RE-AB 123');
    expect(toOffice.attachments.map((a) => a.filename)).toEqual(['antrag-RE-2026-900001.pdf']);
    const [delivery] = await portal.app.get(Deliveries).ofApplication(tenant, applicationId);
    expect(delivery).toMatchObject({
      status: 'delivered',
      attempts: 1,
      receipt: { to: 'stadtverwaltung@recklinghausen.de' },
    });
  });

  it('does nothing more when the same job runs again', async () => {
    await runJob();
    await runJob();
    expect(await settled()).toEqual({ documents: '1', mails: '1', handoffs: '1', withheld: '1', status: 'completed' });
  });

  it('repeats no effect when the steps themselves run again', async () => {
    // As if the position had not been kept: the steps run again, their effects are found recorded.
    await transactions.run(tenant.id, (scope) =>
      scope.query(`update public.applications set status = 'paid', step_index = $2 where id = $1`, [
        applicationId,
        DOCUMENT_STEP,
      ]),
    );
    await runJob();
    await runJob();
    expect(await settled()).toEqual({ documents: '1', mails: '1', handoffs: '1', withheld: '1', status: 'completed' });
    expect(await portal.app.get(StepEffects).list(tenant.id, applicationId)).toHaveLength(3);
  });

  it('records a hand-off with nobody to hand it to as a dead letter, never as delivered', async () => {
    // A tenant without any office or contact address.
    const nowhere: Tenant = { ...tenant, config: { ...tenant.config, contact: undefined, offices: [] } };
    const other = (await portal.app.get(Applications).startDraft(tenant, 'bewohnerparkausweis')).id;
    await transactions.run(tenant.id, (scope) =>
      scope.query(
        `update public.applications set answers = $2, status = 'paid', number = 'RE-2026-900002', fee_cents = 3070,
           submitted_at = now(), step_index = $3 where id = $1`,
        [other, ANSWERS, DOCUMENT_STEP],
      ),
    );
    await workflow.advance(nowhere, other, { inline: false });
    const history = await transactions.run(tenant.id, (scope) =>
      scope.query<{ action: string; data: Record<string, unknown> }[]>(
        `select action, data from public.audit_log where subject = $1 and action like 'application.deliver%'`,
        [`application:${other}`],
      ),
    );
    expect(history).toEqual([
      {
        action: 'application.delivery_failed',
        data: { handoffId: expect.any(String), target: 'email', reason: 'no_address' },
      },
    ]);
    const handoff = (await portal.app.get(StepEffects).list(tenant.id, other)).find((e) => e.kind === 'handoff');
    expect(handoff?.result).toMatchObject({ target: 'email' });
    const [dead] = await portal.app.get(Deliveries).failed(tenant);
    expect(dead).toMatchObject({
      applicationId: other,
      status: 'dead',
      lastError: expect.stringContaining('no e-mail address'),
    });
    const [row] = await transactions.run(tenant.id, (scope) =>
      scope.query<{ status: string; step_index: number }[]>(
        `select status, step_index from public.applications where id = $1`,
        [other],
      ),
    );
    expect(row).toEqual({ status: 'paid', step_index: DOCUMENT_STEP + 2 });
  });
});
