import { Inject, Injectable, Logger } from '@nestjs/common';
import { APP_CONFIG, AppConfig, TrustLevel, findContext, meetsLevel } from '@openrathaus/core';
import { TenantScope, TenantTransactions } from '@openrathaus/database';
import { Outbox } from '@openrathaus/jobs';
import {
  ApplicationEntity,
  ApplicationStatus,
  Applications,
  Owner,
  PinnedApplication,
  toFaults,
} from '@openrathaus/applications';
import { StepDefinition, computeFee } from '@openrathaus/catalog';
import { Documents } from '@openrathaus/documents';
import { Rules, validateAnswers } from '@openrathaus/forms';
import { I18n, LocalizedText } from '@openrathaus/i18n';
import { CitizenAccounts } from '@openrathaus/identity';
import { Mailbox, Mailer, inertData, inertText } from '@openrathaus/messaging';
import { Payments, PaymentsError, PaymentsErrorCode, paymentPurpose } from '@openrathaus/payments';
import { Tenant, tenantBaseUrl } from '@openrathaus/tenancy';
import { canMove } from './application-states';
import { WorkflowError, WorkflowErrorCode } from './workflow.error';

/** Where the citizen goes next after a step of the workflow. */
export interface NextStep {
  application: ApplicationEntity;
  /** Set when the citizen must pay: the provider's page. */
  payment?: { redirectUrl: string; amountCents: number };
}

/** Step kinds done at once in the request; the others are work for the worker. */
const INLINE: ReadonlySet<string> = new Set(['form', 'identity', 'payment', 'review']);

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
 * checks), payment, review, documents, messages and hand-over. Every change of status is a move
 * the state table allows, written with an audit entry in the same transaction; steps that take
 * time run in the worker, reached through the outbox.
 */
@Injectable()
export class Workflow {
  private readonly logger = new Logger(Workflow.name);
  private readonly rules = new Rules();

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly applications: Applications,
    private readonly payments: Payments,
    private readonly documents: Documents,
    private readonly mailer: Mailer,
    private readonly mailbox: Mailbox,
    private readonly outbox: Outbox,
    private readonly i18n: I18n,
    private readonly accounts: CitizenAccounts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
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
    const baseUrl = this.baseUrl(tenant);
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
      const year = new Date().getFullYear();
      const prefix =
        tenant.config.numberPrefix ??
        tenant.slug
          .replace(/[^a-z]/g, '')
          .slice(0, 2)
          .toUpperCase();
      const number = await this.applications.nextNumber(scope, prefix, year);
      await scope.query(
        `update public.applications set answers = $2, number = $3, fee_cents = $4, submitted_at = now()
          where id = $1`,
        [applicationId, JSON.stringify(answers), number, fee.totalCents],
      );
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
            name: inertText(holderName(application)),
          },
          applicationId,
        });
      } else await this.withheld(scope, application, 'application-submitted');
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
    return this.startPayment(tenant, application, definition.title.de);
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
      await this.finishStep(scope, pinned.application);
      await this.outbox.add(scope, WORKFLOW_QUEUE, ADVANCE_JOB, { applicationId });
    });
    return (await this.applications.pinned(tenant, applicationId)).application;
  }

  /**
   * Runs the steps from where the application stands until one must wait (payment, review) or
   * all are done. In a request (`inline`) it stops before work for the worker and hands that to
   * it through the outbox; in the worker it does that work. Each step's effect and its completion
   * are written together, so a step repeated after a crash has no second effect.
   */
  async advance(tenant: Tenant, applicationId: string, options: { inline: boolean }): Promise<NextStep> {
    for (let guard = 0; guard < 50; guard++) {
      const { application, definition } = await this.applications.pinned(tenant, applicationId);
      if (!['submitted', 'paid', 'approved'].includes(application.status)) return { application };
      const step: StepDefinition | undefined = definition.steps[application.stepIndex];
      if (!step) {
        await this.transactions.run(tenant.id, async (scope) => {
          const locked = await this.applications.pinnedIn(scope, applicationId, undefined, true);
          if (locked.application.stepIndex !== application.stepIndex) return;
          await scope.query(`update public.applications set completed_at = now() where id = $1`, [applicationId]);
          await this.move(scope, locked.application, 'completed', 'workflow', {});
          if (locked.application.citizenId) {
            await this.mailbox.post(scope, {
              applicationId,
              citizenId: locked.application.citizenId,
              ...this.text('completed', { number: application.number, service: definition.title }),
            });
          }
        });
        continue;
      }
      if (step.when !== undefined && !this.holds(step, application)) {
        await this.skip(tenant, application);
        continue;
      }
      if (options.inline && !INLINE.has(step.kind)) {
        await this.transactions.run(tenant.id, (scope) =>
          this.outbox.add(scope, WORKFLOW_QUEUE, ADVANCE_JOB, { applicationId }),
        );
        return { application };
      }
      switch (step.kind) {
        case 'form':
        case 'identity':
          await this.skip(tenant, application);
          continue;
        case 'payment':
          if (application.status === 'paid' || !application.feeCents) {
            await this.skip(tenant, application);
            continue;
          }
          if (!options.inline) return { application };
          return this.startPayment(tenant, application, definition.title.de);
        case 'review':
          await this.transactions.run(tenant.id, async (scope) => {
            const locked = await this.applications.pinnedIn(scope, applicationId, undefined, true);
            if (locked.application.stepIndex !== application.stepIndex) return;
            await this.finishStep(scope, locked.application);
            await this.move(scope, locked.application, 'in_review', 'workflow', { step: step.id });
          });
          return { application: (await this.applications.pinned(tenant, applicationId)).application };
        case 'document':
          await this.issueDocument(tenant, application, definition, step);
          continue;
        case 'notify':
          await this.notify(tenant, application, definition, step);
          continue;
        case 'deliver':
          await this.deliver(tenant, application, definition, step);
          continue;
      }
    }
    this.logger.error({ applicationId }, 'workflow did not settle');
    return { application: (await this.applications.pinned(tenant, applicationId)).application };
  }

  private async startPayment(tenant: Tenant, application: ApplicationEntity, title: string): Promise<NextStep> {
    const amountCents = application.feeCents ?? 0;
    const { redirectUrl } = await this.payments.start(tenant, {
      applicationId: application.id,
      amountCents,
      purpose: paymentPurpose(application.number ?? '', title),
      reference: application.number ?? application.id,
      returnUrl: `${this.baseUrl(tenant)}/antraege/${application.id}/zahlung`,
    });
    if (application.status === 'submitted') {
      await this.transactions.run(tenant.id, async (scope) => {
        const locked = await this.applications.pinnedIn(scope, application.id, undefined, true);
        if (locked.application.status === 'submitted') {
          await this.move(scope, locked.application, 'payment_pending', 'workflow', { amountCents });
        }
      });
    }
    const current = (await this.applications.pinned(tenant, application.id)).application;
    return { application: current, payment: { redirectUrl, amountCents } };
  }

  private async issueDocument(
    tenant: Tenant,
    application: ApplicationEntity,
    definition: PinnedApplication['definition'],
    step: StepDefinition,
  ): Promise<void> {
    // Issuing is idempotent per application and template: a repeat returns the same document.
    await this.documents.issue(tenant, {
      application: {
        id: application.id,
        number: application.number ?? '',
        answers: application.answers,
        parameters: application.parameters,
        submittedAt: application.submittedAt ?? new Date(),
      },
      definition,
      templateKey: step.template ?? '',
      holder: holderName(application),
      locale: application.locale,
    });
    await this.transactions.run(tenant.id, async (scope) => {
      const locked = await this.applications.pinnedIn(scope, application.id, undefined, true);
      if (locked.application.stepIndex === application.stepIndex) await this.finishStep(scope, locked.application);
    });
  }

  private async notify(
    tenant: Tenant,
    application: ApplicationEntity,
    definition: PinnedApplication['definition'],
    step: StepDefinition,
  ): Promise<void> {
    const message = step.template ? definition.messages?.[step.template] : undefined;
    const documents = await this.documents.list(tenant, application.id);
    const validUntil = documents.find((d) => d.validUntil)?.validUntil;
    // Read before the transaction: no second transaction may be opened inside one (the embedded
    // database has a single session).
    const attachments = step.to === 'office' ? [] : await this.documents.attachments(tenant, application.id);
    const toOffice = step.to === 'office';
    // The applicant is the account's confirmed address; an address typed into the form is data.
    const recipient =
      toOffice || !application.citizenId
        ? undefined
        : await this.accounts.verifiedAddress(tenant, application.citizenId);
    await this.transactions.run(tenant.id, async (scope) => {
      const locked = await this.applications.pinnedIn(scope, application.id, undefined, true);
      if (locked.application.stepIndex !== application.stepIndex) return;
      const to = toOffice ? officeEmail(tenant, application, step) : recipient?.email;
      const data = {
        tenant: { name: tenant.name, slug: tenant.slug },
        application: {
          number: application.number,
          id: application.id,
          link: `${this.baseUrl(tenant)}/antraege/${application.id}`,
        },
        answers: application.answers,
        params: application.parameters,
        fee: application.feeCents ?? 0,
        validUntil: validUntil ?? null,
      };
      if (message && to) {
        await this.mailer.queue(scope, {
          to,
          locale: application.locale,
          message,
          data: { ...data, answers: inertData(application.answers) },
          applicationId: application.id,
          attachments,
        });
      } else if (message && !toOffice) await this.withheld(scope, locked.application, step.template ?? 'message');
      if (message && application.citizenId && !toOffice) {
        await this.mailbox.post(scope, {
          applicationId: application.id,
          citizenId: application.citizenId,
          subject: message.subject,
          body: message.body,
          data,
        });
      }
      await this.finishStep(scope, locked.application);
    });
  }

  private async deliver(
    tenant: Tenant,
    application: ApplicationEntity,
    definition: PinnedApplication['definition'],
    step: StepDefinition,
  ): Promise<void> {
    await this.transactions.run(tenant.id, async (scope) => {
      const locked = await this.applications.pinnedIn(scope, application.id, undefined, true);
      if (locked.application.stepIndex !== application.stepIndex) return;
      const to = officeEmail(tenant, application, step);
      if (to && step.target === 'email') {
        await this.mailer.queue(scope, {
          to,
          locale: 'de',
          template: 'application-delivery',
          data: {
            number: application.number,
            service: definition.title.de,
            version: application.definitionRef,
            answers: inertData(application.answers),
            tenant: { name: tenant.name },
          },
          applicationId: application.id,
        });
      }
      await this.audit(scope, locked.application, 'application.delivered', 'workflow', {
        target: step.target ?? 'email',
        to: to ?? null,
      });
      await this.finishStep(scope, locked.application);
    });
  }

  /** The tenant's own address: links in mails, documents and payment returns never come from a request. */
  private baseUrl(tenant: Tenant): string {
    return tenantBaseUrl(tenant, this.config);
  }

  /**
   * A mail to the applicant that cannot go out: the application has no account with a confirmed
   * address. Nothing is queued (so nothing counts as sent); the failure is logged and written into
   * the application's history, where the office sees it.
   */
  private async withheld(scope: TenantScope, application: ApplicationEntity, mail: string): Promise<void> {
    this.logger.error(
      { applicationId: application.id, mail },
      'mail to the applicant not sent: the account has no confirmed address',
    );
    await this.audit(scope, application, 'application.mail_withheld', 'workflow', {
      mail,
      reason: 'no_verified_address',
    });
  }

  private holds(step: StepDefinition, application: ApplicationEntity): boolean {
    try {
      return Boolean(this.rules.evaluate(step.when!, { answers: application.answers, params: application.parameters }));
    } catch {
      return false;
    }
  }

  private async skip(tenant: Tenant, application: ApplicationEntity): Promise<void> {
    await this.transactions.run(tenant.id, async (scope) => {
      const locked = await this.applications.pinnedIn(scope, application.id, undefined, true);
      if (locked.application.stepIndex === application.stepIndex) await this.finishStep(scope, locked.application);
    });
  }

  private async finishStep(scope: TenantScope, application: ApplicationEntity): Promise<void> {
    await scope.query(`update public.applications set step_index = step_index + 1 where id = $1`, [application.id]);
    application.stepIndex += 1;
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
  async move(
    scope: TenantScope,
    application: ApplicationEntity,
    to: ApplicationStatus,
    actor: string | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    const from = application.status;
    if (!canMove(from, to)) throw new WorkflowError(WorkflowErrorCode.InvalidTransition, { from, to });
    const moved = await scope.query(
      `with moved as (
         update public.applications set status = $3, updated_at = now() where id = $1 and status = $2 returning id)
       select id from moved`,
      [application.id, from, to],
    );
    if (!moved.length) throw new WorkflowError(WorkflowErrorCode.InvalidTransition, { from, to });
    application.status = to;
    await this.audit(scope, application, 'application.status', actor, { from, to, ...data });
  }

  private async audit(
    scope: TenantScope,
    application: ApplicationEntity,
    action: string,
    actor: string | null,
    data: Record<string, unknown>,
  ): Promise<void> {
    await scope.query(
      `insert into public.audit_log (tenant_id, action, actor, subject, data, correlation_id)
       values ($1, $2, $3, $4, $5, $6)`,
      [
        scope.tenantId,
        action,
        actor,
        `application:${application.id}`,
        JSON.stringify(data),
        findContext()?.correlationId ?? null,
      ],
    );
  }
}

function holderName(application: ApplicationEntity): string {
  const a = application.answers;
  const name = [a.vorname, a.nachname].filter((v) => typeof v === 'string' && v).join(' ');
  return name || (typeof a.name === 'string' ? a.name : '');
}

function officeEmail(tenant: Tenant, application: ApplicationEntity, step: StepDefinition): string | undefined {
  const officeId = step.office ? application.parameters[step.office] : undefined;
  const office = tenant.config.offices?.find((o) => o.id === officeId);
  return office?.contact?.email ?? tenant.config.contact?.email;
}

/** The payment service cannot be reached or is not set up: the citizen may try again later. */
function unavailable(error: unknown): boolean {
  return (
    error instanceof PaymentsError &&
    [PaymentsErrorCode.ProviderUnavailable, PaymentsErrorCode.NotConfigured].includes(error.code as PaymentsErrorCode)
  );
}
