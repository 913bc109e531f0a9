import { Injectable, Logger } from '@nestjs/common';
import { TrustLevel, meetsLevel } from '@openrathaus/core';
import { TenantScope, TenantTransactions } from '@openrathaus/database';
import { Outbox } from '@openrathaus/jobs';
import {
  ApplicationEntity,
  ApplicationStatus,
  Applications,
  Owner,
  PinnedApplication,
  numberPrefix,
  toFaults,
} from '@openrathaus/applications';
import { StepDefinition, computeFee } from '@openrathaus/catalog';
import { Rules, validateAnswers } from '@openrathaus/forms';
import { I18n, LocalizedText } from '@openrathaus/i18n';
import { CitizenAccounts } from '@openrathaus/identity';
import { Mailbox, Mailer, inertText } from '@openrathaus/messaging';
import { Payments, PaymentsError, PaymentsErrorCode } from '@openrathaus/payments';
import { Tenant } from '@openrathaus/tenancy';
import { ApplicationProgress } from './application-progress.service';
import { applicantName } from './applicant';
import { PaymentStep } from './steps/payment.step';
import { WorkflowSteps } from './steps/workflow-steps.registry';
import type { NextStep } from './steps/workflow-step.strategy';
import { WorkflowError, WorkflowErrorCode } from './workflow.error';

export const WORKFLOW_QUEUE = 'workflow';
export const ADVANCE_JOB = 'application.advance';

/** The highest trust level a definition asks for, in its metadata or an identity step. */
export function requiredLevel(pinned: Pick<PinnedApplication, 'definition'>): TrustLevel {
  let level: TrustLevel = pinned.definition.trustLevel ?? 'basic';
  for (const step of pinned.definition.steps) {
    if (step.kind === 'identity' && step.level && !meetsLevel(level, step.level)) level = step.level;
  }
  return level;
}

/**
 * Runs applications through the steps of their definition version: submission (number, fee,
 * checks), then each step by its kind ({@link WorkflowSteps}). Every change of status is a move
 * the state table allows, written with an audit entry in the same transaction; steps that take
 * time run in the worker, reached through the outbox.
 */
@Injectable()
export class Workflow {
  private readonly logger = new Logger(Workflow.name);

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly applications: Applications,
    private readonly payments: Payments,
    private readonly mailer: Mailer,
    private readonly mailbox: Mailbox,
    private readonly outbox: Outbox,
    private readonly i18n: I18n,
    private readonly accounts: CitizenAccounts,
    private readonly progress: ApplicationProgress,
    private readonly steps: WorkflowSteps,
    private readonly paymentStep: PaymentStep,
    private readonly rules: Rules,
  ) {}

  /**
   * Submits a draft: every page is checked again on the server, the citizen's identity level must
   * reach the definition's, the fee is computed here, and the application gets its number. Then
   * the steps that need the citizen (payment) begin. The receipt goes to the account's confirmed
   * address, never to one typed into the form.
   */
  async submit(
    tenant: Tenant,
    owner: Owner,
    applicationId: string,
    session: { trustLevel: TrustLevel },
  ): Promise<NextStep> {
    // Read before the transaction: no second transaction may be opened inside one.
    const recipient = await this.accounts.verifiedAddress(tenant, owner.citizenId);
    const baseUrl = this.progress.baseUrl(tenant);
    await this.transactions.run(tenant.id, async (scope) => {
      const pinned = await this.applications.pinnedIn(scope, applicationId, owner, true);
      const { application, definition } = pinned;
      if (application.status !== 'draft') {
        throw new WorkflowError(WorkflowErrorCode.AlreadySubmitted, { status: application.status });
      }
      const need = requiredLevel(pinned);
      if (!meetsLevel(session.trustLevel, need)) {
        throw new WorkflowError(WorkflowErrorCode.LevelRequired, { level: need });
      }
      const attachments = await this.applications.attachments(scope, applicationId);
      const { answers, errors } = validateAnswers(definition.form, application.answers, {
        params: application.parameters,
        attachments,
      });
      if (errors.length) {
        throw new WorkflowError(WorkflowErrorCode.InvalidAnswers, {}, toFaults(errors, application.locale));
      }
      const fee = computeFee(this.rules, definition.fees, application.parameters as never, answers);
      const number = await this.applications.nextNumber(scope, numberPrefix(tenant), new Date().getFullYear());
      const review = definition.steps.find((step) => step.kind === 'review');
      const office = review?.office ? application.parameters[review.office] : undefined;
      await this.applications.recordSubmission(scope, applicationId, {
        answers,
        number,
        feeCents: fee.totalCents,
        office: typeof office === 'string' && office ? office : null,
        applicantName: applicantName(definition, answers) || null,
        applicantEmail: recipient?.email ?? null,
      });
      application.answers = answers;
      application.number = number;
      application.feeCents = fee.totalCents;
      await this.move(scope, application, 'submitted', owner.citizenId, { fee: fee.totalCents });
      if (recipient) {
        // The receipt (Eingangsbestätigung): the number, and where the citizen follows the application.
        await this.mailer.queue(scope, {
          to: recipient.email,
          locale: application.locale,
          template: 'application-submitted',
          data: {
            number,
            serviceTitle: definition.title[application.locale as 'de'] ?? definition.title.de,
            link: `${baseUrl}/antraege/${applicationId}`,
            name: inertText(applicantName(definition, answers)),
          },
          applicationId,
        });
      } else await this.progress.withheld(scope, application, 'application-submitted');
      if (application.citizenId) {
        await this.mailbox.post(scope, {
          applicationId,
          citizenId: application.citizenId,
          ...this.text('submitted', { number, service: definition.title }),
        });
      }
    });
    try {
      return await this.advance(tenant, applicationId, { inline: true });
    } catch (error) {
      // Submitted all the same: the payment begins from the application's page when the service is back.
      if (!unavailable(error)) throw error;
      this.logger.warn({ applicationId }, 'payment service unavailable at submission');
      return { application: (await this.applications.pinned(tenant, applicationId)).application };
    }
  }

  /**
   * Begins (or resumes) the payment of a submitted application whose payment step is due: a new
   * transaction at the provider, or the open one again.
   */
  async pay(tenant: Tenant, owner: Owner, applicationId: string): Promise<NextStep> {
    const { application, definition } = await this.applications.pinned(tenant, applicationId, owner);
    const step = definition.steps[application.stepIndex];
    if (!step || step.kind !== 'payment' || !['submitted', 'payment_pending'].includes(application.status)) {
      throw new WorkflowError(WorkflowErrorCode.NoPaymentDue, { status: application.status });
    }
    return this.paymentStep.start(tenant, application, definition.title.de);
  }

  /**
   * Asks the provider how the payment of an application stands. The first answer PAYED moves the
   * application on, once, however often the citizen comes back or the page is reloaded.
   */
  async confirmPayment(tenant: Tenant, owner: Owner | undefined, applicationId: string): Promise<ApplicationEntity> {
    const { application } = await this.applications.pinned(tenant, applicationId, owner);
    if (application.status !== 'payment_pending') return application;
    let outcome: { status: string };
    try {
      outcome = await this.payments.confirm(tenant, applicationId);
    } catch (error) {
      // The payment service is away: the application is shown as it stands; asked again next time.
      if (!unavailable(error)) throw error;
      this.logger.warn({ applicationId }, 'payment service unavailable; payment not confirmed yet');
      return application;
    }
    if (outcome.status !== 'PAYED') return application;
    await this.transactions.run(tenant.id, async (scope) => {
      const pinned = await this.applications.pinnedIn(scope, applicationId, undefined, true);
      if (pinned.application.status !== 'payment_pending') return;
      await this.move(scope, pinned.application, 'paid', 'payment', {});
      await this.progress.finishStep(scope, pinned.application);
      await this.outbox.add(scope, WORKFLOW_QUEUE, ADVANCE_JOB, { applicationId });
    });
    return (await this.applications.pinned(tenant, applicationId)).application;
  }

  /**
   * Runs the steps from where the application stands until one must wait (payment, review) or
   * all are done. In a request (`inline`) it stops before work for the worker and hands that to
   * it through the outbox; in the worker it does that work. Each step records its effect under an
   * idempotency key with its completion, so a step repeated by a retried job has no second effect.
   */
  async advance(tenant: Tenant, applicationId: string, options: { inline: boolean }): Promise<NextStep> {
    for (let guard = 0; guard < 50; guard++) {
      const { application, definition } = await this.applications.pinned(tenant, applicationId);
      if (!['submitted', 'paid', 'approved'].includes(application.status)) return { application };
      const step: StepDefinition | undefined = definition.steps[application.stepIndex];
      if (!step) {
        await this.complete(tenant, application, definition.title);
        continue;
      }
      if (step.when !== undefined && !this.holds(step, application)) {
        await this.progress.completeStep(tenant, application);
        continue;
      }
      const kind = this.steps.get(step.kind);
      if (options.inline && kind.runs === 'worker') {
        await this.transactions.run(tenant.id, (scope) =>
          this.outbox.add(scope, WORKFLOW_QUEUE, ADVANCE_JOB, { applicationId }),
        );
        return { application };
      }
      const outcome = await kind.run({ tenant, application, definition, step, inline: options.inline });
      if ('wait' in outcome) return outcome.wait;
    }
    this.logger.error({ applicationId }, 'workflow did not settle');
    return { application: (await this.applications.pinned(tenant, applicationId)).application };
  }

  /** After the last step: completed, and the citizen told in the mailbox. */
  private complete(tenant: Tenant, application: ApplicationEntity, service: LocalizedText): Promise<void> {
    return this.transactions.run(tenant.id, async (scope) => {
      const locked = (await this.applications.pinnedIn(scope, application.id, undefined, true)).application;
      if (locked.stepIndex !== application.stepIndex) return;
      await this.applications.markCompleted(scope, application.id);
      await this.progress.move(scope, locked, 'completed', 'workflow', {});
      if (locked.citizenId) {
        await this.mailbox.post(scope, {
          applicationId: application.id,
          citizenId: locked.citizenId,
          ...this.text('completed', { number: application.number, service }),
        });
      }
    });
  }

  private holds(step: StepDefinition, application: ApplicationEntity): boolean {
    try {
      return Boolean(this.rules.evaluate(step.when!, { answers: application.answers, params: application.parameters }));
    } catch {
      return false;
    }
  }

  /** A mailbox message of the workflow in every language the platform has its texts in. */
  private text(
    event: 'submitted' | 'completed',
    params: { number: string | null; service: LocalizedText },
  ): { subject: LocalizedText; body: LocalizedText } {
    const texts = (part: 'subject' | 'body'): LocalizedText => {
      const out: Record<string, string> = {};
      for (const locale of this.i18n.locales()) {
        out[locale] = this.i18n.t(locale, `workflow.mailbox.${event}.${part}`, {
          number: params.number ?? '',
          service: params.service[locale as 'de'] ?? params.service.de,
        });
      }
      return out as unknown as LocalizedText;
    };
    return { subject: texts('subject'), body: texts('body') };
  }

  /** Moves an application to another status, with its audit entry, in the caller's transaction. */
  move(
    scope: TenantScope,
    application: ApplicationEntity,
    to: ApplicationStatus,
    actor: string | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    return this.progress.move(scope, application, to, actor, data);
  }
}

/** The payment service cannot be reached or is not set up: the citizen may try again later. */
function unavailable(error: unknown): boolean {
  return (
    error instanceof PaymentsError &&
    [PaymentsErrorCode.ProviderUnavailable, PaymentsErrorCode.NotConfigured].includes(error.code as PaymentsErrorCode)
  );
}
