import { Injectable } from '@nestjs/common';
import { ApplicationEntity, Applications } from '@openrathaus/applications';
import { TenantTransactions } from '@openrathaus/database';
import { CitizenAccounts } from '@openrathaus/identity';
import { Payments, paymentPurpose } from '@openrathaus/payments';
import { Tenant } from '@openrathaus/tenancy';
import { ApplicationProgress } from '../application-progress.service';
import { CitizenNotices } from '../citizen-notices';
import { StepEffects } from '../step-effects.repository';
import { DONE, NextStep, StepOutcome, StepRun, WorkflowStep } from './workflow-step.strategy';

/**
 * The fee: the citizen pays at the provider in the request; the application waits
 * `payment_pending` until the provider confirms. Nothing to pay (no fee, or paid): passed.
 * After the review step (a fee due only once approved) the step asks the citizen to pay: the
 * approved application waits `payment_pending`, the citizen pays from the application's page.
 */
@Injectable()
export class PaymentStep implements WorkflowStep {
  readonly kind = 'payment';
  readonly runs = 'request';
  readonly effect = 'payment';
  readonly needs = [];
  readonly uses = [];

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly applications: Applications,
    private readonly payments: Payments,
    private readonly progress: ApplicationProgress,
    private readonly effects: StepEffects,
    private readonly accounts: CitizenAccounts,
    private readonly notices: CitizenNotices,
  ) {}

  async run({ tenant, application, definition, inline }: StepRun): Promise<StepOutcome> {
    if (application.status === 'paid' || !application.feeCents) {
      await this.progress.completeStep(tenant, application);
      return DONE;
    }
    if (application.status === 'approved') return this.request(tenant, application, definition);
    // Only the citizen can pay: the worker leaves the step to the request.
    if (!inline) return { wait: { application } };
    return { wait: await this.start(tenant, application, definition.title.de) };
  }

  /**
   * A fee due after approval: the application waits `payment_pending`, and the citizen is asked
   * to pay (mail and mailbox, with the way to the application's page), once. Paid before (a
   * payment step before the review as well): passed.
   */
  private async request(
    tenant: Tenant,
    application: ApplicationEntity,
    definition: StepRun['definition'],
  ): Promise<StepOutcome> {
    if ((await this.payments.forApplication(tenant, application.id))?.status === 'PAYED') {
      await this.progress.completeStep(tenant, application);
      return DONE;
    }
    const recipient = application.citizenId
      ? await this.accounts.verifiedAddress(tenant, application.citizenId)
      : undefined;
    await this.transactions.run(tenant.id, async (scope) => {
      const locked = (await this.applications.pinnedIn(scope, application.id, undefined, true)).application;
      if (locked.status !== 'approved' || locked.stepIndex !== application.stepIndex) return;
      await this.progress.move(scope, locked, 'payment_pending', 'workflow', { amountCents: locked.feeCents });
      if (!(await this.effects.record(scope, locked, 'payment', { requested: true, amountCents: locked.feeCents })))
        return;
      await this.notices.send(scope, tenant, locked, definition, recipient, {
        event: 'payment_request',
        amountCents: locked.feeCents ?? 0,
      });
    });
    return { wait: { application: (await this.applications.pinned(tenant, application.id)).application } };
  }

  /**
   * Begins (or resumes) the payment: a new transaction at the provider, or the open one again
   * (the provider's side keeps one per application and amount). The first request is recorded.
   */
  async start(tenant: Tenant, application: ApplicationEntity, title: string): Promise<NextStep> {
    const amountCents = application.feeCents ?? 0;
    const { paymentId, redirectUrl } = await this.payments.start(tenant, {
      applicationId: application.id,
      amountCents,
      purpose: paymentPurpose(application.number ?? '', title),
      reference: application.number ?? application.id,
      returnUrl: `${this.progress.baseUrl(tenant)}/antraege/${application.id}/zahlung`,
    });
    if (application.status === 'submitted') {
      await this.transactions.run(tenant.id, async (scope) => {
        const locked = (await this.applications.pinnedIn(scope, application.id, undefined, true)).application;
        if (locked.status !== 'submitted') return;
        await this.effects.record(scope, locked, 'payment', { paymentId, amountCents });
        await this.progress.move(scope, locked, 'payment_pending', 'workflow', { amountCents });
      });
    }
    const current = (await this.applications.pinned(tenant, application.id)).application;
    return { application: current, payment: { redirectUrl, amountCents } };
  }
}
