import { Injectable, Logger } from '@nestjs/common';
import { FieldFault, TrustLevel, meetsLevel } from '@openrathaus/core';
import { TenantScope, TenantTransactions } from '@openrathaus/database';
import { Outbox } from '@openrathaus/jobs';
import { Appointments, Booked, BookingCitizen } from '@openrathaus/appointments';
import {
  ApplicationEntity,
  ApplicationStatus,
  Applications,
  Owner,
  PinnedApplication,
  REPLY_FIELD,
  numberPrefix,
  toFaults,
} from '@openrathaus/applications';
import { StepDefinition, computeFee } from '@openrathaus/catalog';
import { Rules, validateAnswers } from '@openrathaus/forms';
import { I18n, LocalizedText, intlLocale } from '@openrathaus/i18n';
import { CitizenAccounts } from '@openrathaus/identity';
import { Mailbox, Mailer, inertText } from '@openrathaus/messaging';
import { Payments, PaymentsError, PaymentsErrorCode } from '@openrathaus/payments';
import { Tenant, caseworkSettings } from '@openrathaus/tenancy';
import { ApplicationProgress } from './application-progress.service';
import { FINAL_STATUSES } from './application-states';
import { applicantName } from './applicant';
import { CitizenNotices, Notice, Recipient } from './citizen-notices';
import { StepEffects } from './step-effects.repository';
import { AppointmentDue, AppointmentStep } from './steps/appointment.step';
import { PaymentStep } from './steps/payment.step';
import { WorkflowSteps } from './steps/workflow-steps.registry';
import type { NextStep } from './steps/workflow-step.strategy';
import { WorkflowError, WorkflowErrorCode } from './workflow.error';
import { ADVANCE_JOB, WORKFLOW_QUEUE } from './workflow.queue';

export { ADVANCE_JOB, WORKFLOW_QUEUE } from './workflow.queue';

/** What a caseworker decides on an application in review. */
export type Decision = 'approve' | 'reject' | 'request_info';
export const DECISIONS: readonly Decision[] = ['approve', 'reject', 'request_info'];

/** A caseworker's decision, as {@link Workflow.decide} takes it. */
export interface DecisionInput {
  decision: Decision;
  /** To the citizen: required to reject (the reasons) and to ask (what is missing); at most 5000 characters. */
  message: string;
  /** The member of staff deciding: recorded in the history. */
  actor: { id: string; email: string };
  /** `YYYY-MM-DD`: a certificate sent by post that day (approval only); today when left out. */
  dispatchDate?: string;
}

/** The longest text a caseworker or a citizen may send with a decision or a reply. */
export const MAX_MESSAGE_LENGTH = 5000;

const DECIDED_AS: Record<Decision, ApplicationStatus> = {
  approve: 'approved',
  reject: 'rejected',
  request_info: 'needs_info',
};

/** Statuses from which the citizen may still withdraw (and only while nothing is decided). */
export const WITHDRAWABLE: readonly ApplicationStatus[] = [
  'submitted',
  'payment_pending',
  'paid',
  'in_review',
  'needs_info',
];

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
    private readonly appointmentStep: AppointmentStep,
    private readonly appointments: Appointments,
    private readonly rules: Rules,
    private readonly notices: CitizenNotices,
    private readonly effects: StepEffects,
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
        // The form's applicant (a firm, a person); failing that, whom the account was registered for.
        applicantName: applicantName(definition, answers) || recipient?.name || null,
        applicantEmail: recipient?.email ?? null,
      });
      application.answers = answers;
      application.number = number;
      application.feeCents = fee.totalCents;
      await this.move(scope, application, 'submitted', owner.citizenId, { fee: fee.totalCents });
      // The worker's part is queued with the submission itself: should the database go away before
      // the steps below run, the submitted application still goes on. A job that finds nothing to
      // do (a payment waits for the citizen) does nothing.
      await this.outbox.add(scope, WORKFLOW_QUEUE, ADVANCE_JOB, { applicationId });
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
      return await this.advance(tenant, applicationId, { inline: true, queued: true });
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

  /** The appointment the citizen's application waits for (an `appointment` step); none when none is due. */
  async appointmentDue(tenant: Tenant, owner: Owner, applicationId: string): Promise<AppointmentDue | undefined> {
    const { application, definition } = await this.applications.pinned(tenant, applicationId, owner);
    return this.appointmentStep.due(application, definition);
  }

  /**
   * Books the appointment of an application's `appointment` step: office and service come from
   * the step, the time (and number of persons) from the citizen; the booking carries the
   * application and goes to the account's address. Then the application moves on.
   */
  async bookAppointment(
    tenant: Tenant,
    owner: Owner,
    citizen: BookingCitizen,
    applicationId: string,
    body: unknown,
    locale: string,
  ): Promise<Booked> {
    const due = await this.appointmentDue(tenant, owner, applicationId);
    if (!due || (await this.appointments.forApplication(tenant, applicationId, locale))) {
      throw new WorkflowError(WorkflowErrorCode.NoAppointmentDue);
    }
    const fields = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
    const booked = await this.appointments.bookForApplication(
      tenant,
      { start: fields.start, count: fields.count, office: due.office, service: due.service },
      locale,
      citizen,
      applicationId,
    );
    const { application } = await this.applications.pinned(tenant, applicationId);
    const { appointment } = booked;
    await this.transactions.run(tenant.id, async (scope) => {
      const out = { subject: {} as Record<string, string>, body: {} as Record<string, string> };
      for (const locale of this.i18n.locales()) {
        const when = new Intl.DateTimeFormat(intlLocale(locale), {
          dateStyle: 'full',
          timeStyle: 'short',
          timeZone: 'Europe/Berlin',
        }).format(new Date(appointment.start));
        const params = { number: application.number ?? '', when, office: appointment.officeName };
        out.subject[locale] = this.i18n.t(locale, 'workflow.mailbox.appointment.subject', params);
        out.body[locale] = this.i18n.t(locale, 'workflow.mailbox.appointment.body', params);
      }
      await this.mailbox.post(scope, {
        applicationId,
        citizenId: owner.citizenId,
        subject: out.subject as unknown as LocalizedText,
        body: out.body as unknown as LocalizedText,
      });
    });
    await this.advance(tenant, applicationId, { inline: true });
    return booked;
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
      // A fee due after approval: asked for, but the citizen has not begun to pay yet.
      if (error instanceof PaymentsError && error.code === String(PaymentsErrorCode.NotFound)) return application;
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
   * it through the outbox (`queued`: the caller queued that job already); in the worker it does
   * that work. Each step records its effect under an idempotency key with its completion, so a step
   * repeated by a retried job has no second effect.
   */
  async advance(
    tenant: Tenant,
    applicationId: string,
    options: { inline: boolean; queued?: boolean },
  ): Promise<NextStep> {
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
        if (!options.queued) {
          await this.transactions.run(tenant.id, (scope) =>
            this.outbox.add(scope, WORKFLOW_QUEUE, ADVANCE_JOB, { applicationId }),
          );
        }
        return { application };
      }
      const outcome = await kind.run({ tenant, application, definition, step, inline: options.inline });
      if ('wait' in outcome) return outcome.wait;
    }
    this.logger.error({ applicationId }, 'workflow did not settle');
    return { application: (await this.applications.pinned(tenant, applicationId)).application };
  }

  /**
   * A caseworker's decision on an application in review, with the row locked: approve (the
   * remaining steps run: a document, a fee due after approval, the notice), reject (with the
   * reasons; a paid fee is recorded as due back and refunded where the payment service can) or
   * request information (`needs_info`, with what is missing). The citizen is told by mail and in
   * the mailbox. Of two decisions at once one wins; the other, and any decision on an
   * application not in review, is refused (`already_decided` naming the decision that stands,
   * or `not_in_review`), without effect.
   */
  async decide(tenant: Tenant, applicationId: string, input: DecisionInput): Promise<ApplicationEntity> {
    const checked = checkDecision(input);
    const before = (await this.applications.pinned(tenant, applicationId)).application;
    const recipient = await this.recipient(tenant, before);
    const to = DECIDED_AS[checked.decision];
    let refundCents: number | undefined;
    await this.transactions.run(tenant.id, async (scope) => {
      const { application, definition } = await this.applications.pinnedIn(scope, applicationId, undefined, true);
      if (application.status !== 'in_review') throw notDecidable(application);
      await this.move(scope, application, to, checked.actor.id, {
        decision: checked.decision,
        actorEmail: checked.actor.email,
        ...(checked.message ? { message: checked.message } : {}),
        ...(checked.dispatchDate ? { dispatchDate: checked.dispatchDate } : {}),
      });
      if (to === 'rejected') refundCents = await this.payments.recordRefundDue(scope, applicationId, 'rejected');
      await this.notices.send(scope, tenant, application, definition, recipient, {
        event: to as Notice['event'],
        note: checked.message || undefined,
        dispatchDate: checked.dispatchDate,
        refundCents,
      });
    });
    if (refundCents) await this.refund(tenant, applicationId);
    if (to === 'approved') await this.advance(tenant, applicationId, { inline: true });
    return (await this.applications.pinned(tenant, applicationId)).application;
  }

  /**
   * The citizen's answer to a request for information: the application goes back to the office
   * (`in_review`), the text is kept in the mailbox (as the citizen's) and in the history, with
   * the files sent before through the attachments route (field `nachreichung`).
   */
  async reply(tenant: Tenant, owner: Owner, applicationId: string, message: unknown): Promise<ApplicationEntity> {
    const text = typeof message === 'string' ? message.trim() : '';
    const faults = messageFaults(text, true);
    if (faults.length) throw new WorkflowError(WorkflowErrorCode.InvalidDecision, {}, faults);
    await this.transactions.run(tenant.id, async (scope) => {
      const { application } = await this.applications.pinnedIn(scope, applicationId, owner, true);
      if (application.status !== 'needs_info') {
        throw new WorkflowError(WorkflowErrorCode.NoInfoRequested, { status: application.status });
      }
      const files = (await this.applications.attachments(scope, applicationId))[REPLY_FIELD] ?? [];
      await this.move(scope, application, 'in_review', owner.citizenId, {
        reply: text,
        files: files.map((f) => ({ id: f.id, filename: f.filename })),
      });
      const subject: Record<string, string> = {};
      for (const locale of this.i18n.locales()) {
        subject[locale] = this.i18n.t(locale, 'workflow.mailbox.reply.subject', { number: application.number ?? '' });
      }
      await this.mailbox.post(scope, {
        applicationId,
        citizenId: owner.citizenId,
        subject: subject as unknown as LocalizedText,
        body: text,
        sender: 'citizen',
      });
    });
    return (await this.applications.pinned(tenant, applicationId)).application;
  }

  /**
   * The citizen withdraws an application nothing is decided on yet: `withdrawn`, a paid fee
   * recorded as due back (and refunded where the payment service can), the citizen told.
   */
  async withdraw(tenant: Tenant, owner: Owner, applicationId: string): Promise<ApplicationEntity> {
    const recipient = await this.accounts.verifiedAddress(tenant, owner.citizenId);
    let refundCents: number | undefined;
    await this.transactions.run(tenant.id, async (scope) => {
      const { application, definition } = await this.applications.pinnedIn(scope, applicationId, owner, true);
      if (!WITHDRAWABLE.includes(application.status) || application.decidedAt) {
        throw new WorkflowError(WorkflowErrorCode.NotWithdrawable, { status: application.status });
      }
      await this.move(scope, application, 'withdrawn', owner.citizenId, {});
      refundCents = await this.payments.recordRefundDue(scope, applicationId, 'withdrawn');
      await this.notices.send(scope, tenant, application, definition, recipient, { event: 'withdrawn', refundCents });
    });
    if (refundCents) await this.refund(tenant, applicationId);
    return (await this.applications.pinned(tenant, applicationId)).application;
  }

  /**
   * Reminds the citizen of an unanswered request for information once (per request: the
   * reminder is recorded under the request's time); false when it was sent before or the
   * request is answered.
   */
  async remindOfRequest(tenant: Tenant, applicationId: string, now = new Date()): Promise<boolean> {
    const before = (await this.applications.pinned(tenant, applicationId)).application;
    const recipient = await this.recipient(tenant, before);
    const { closeDays } = caseworkSettings(tenant);
    return this.transactions.run(tenant.id, async (scope) => {
      const { application, definition } = await this.applications.pinnedIn(scope, applicationId, undefined, true);
      if (application.status !== 'needs_info') return false;
      const key = `reminder:${new Date(application.statusChangedAt).getTime()}`;
      if (!(await this.effects.recordOnce(scope, application, key, { at: now.toISOString() }))) return false;
      const closesOn = new Date(new Date(application.statusChangedAt).getTime() + closeDays * DAY_MS);
      await this.progress.audit(scope, application, 'application.reminded', 'workflow', {
        requestedAt: application.statusChangedAt,
      });
      await this.notices.send(scope, tenant, application, definition, recipient, {
        event: 'reminder',
        closesOn: closesOn.toISOString().slice(0, 10),
      });
      return true;
    });
  }

  /**
   * Closes an application whose request for information stayed unanswered since before `since`:
   * rejected ("no answer"), a paid fee due back, the citizen told. False when it was answered
   * (or moved otherwise) meanwhile.
   */
  async closeUnanswered(tenant: Tenant, applicationId: string, since: Date): Promise<boolean> {
    const before = (await this.applications.pinned(tenant, applicationId)).application;
    const recipient = await this.recipient(tenant, before);
    let refundCents: number | undefined;
    const closed = await this.transactions.run(tenant.id, async (scope) => {
      const { application, definition } = await this.applications.pinnedIn(scope, applicationId, undefined, true);
      if (application.status !== 'needs_info' || new Date(application.statusChangedAt) >= since) return false;
      await this.move(scope, application, 'rejected', 'workflow', { reason: 'no_answer' });
      refundCents = await this.payments.recordRefundDue(scope, applicationId, 'no_answer');
      await this.notices.send(scope, tenant, application, definition, recipient, { event: 'closed', refundCents });
      return true;
    });
    if (refundCents) await this.refund(tenant, applicationId);
    return closed;
  }

  /** The applicant's confirmed address, read before a transaction (none may be opened inside one). */
  private async recipient(tenant: Tenant, application: ApplicationEntity): Promise<Recipient> {
    return application.citizenId ? this.accounts.verifiedAddress(tenant, application.citizenId) : undefined;
  }

  /** Asks the payment service to pay a due refund back; a failure leaves it due, for the office. */
  private async refund(tenant: Tenant, applicationId: string): Promise<void> {
    try {
      await this.payments.refund(tenant, applicationId);
    } catch (error) {
      this.logger.warn({ err: error, applicationId }, 'refund not made; it stays due');
    }
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

const DAY_MS = 24 * 3600 * 1000;
const DAY = /^\d{4}-\d{2}-\d{2}$/;

function messageFaults(text: string, required: boolean): FieldFault[] {
  if (required && !text) return [{ field: 'message', key: 'required' }];
  if (text.length > MAX_MESSAGE_LENGTH) {
    return [{ field: 'message', key: 'too_long', params: { max: MAX_MESSAGE_LENGTH } }];
  }
  return [];
}

/** A decision's input checked: each faulty field named (422), the message trimmed. */
function checkDecision(
  input: DecisionInput,
): Required<Omit<DecisionInput, 'dispatchDate'>> & { dispatchDate?: string } {
  const faults: FieldFault[] = [];
  const decision = input?.decision;
  if (!DECISIONS.includes(decision)) {
    faults.push({ field: 'decision', key: 'one_of', params: { allowed: DECISIONS.join(', ') } });
  }
  if (input?.message !== undefined && input.message !== null && typeof input.message !== 'string') {
    faults.push({ field: 'message', key: 'invalid' });
  }
  const message = typeof input?.message === 'string' ? input.message.trim() : '';
  faults.push(...messageFaults(message, decision === 'reject' || decision === 'request_info'));
  const actor = input?.actor;
  if (!actor || typeof actor.id !== 'string' || !actor.id || typeof actor.email !== 'string') {
    faults.push({ field: 'actor', key: 'required' });
  }
  let dispatchDate: string | undefined;
  if (input?.dispatchDate !== undefined && input.dispatchDate !== null && input.dispatchDate !== '') {
    const day = String(input.dispatchDate);
    if (
      !DAY.test(day) ||
      Number.isNaN(Date.parse(`${day}T00:00:00Z`)) ||
      new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) !== day
    ) {
      faults.push({ field: 'dispatchDate', key: 'date' });
    } else if (decision !== 'approve') faults.push({ field: 'dispatchDate', key: 'invalid' });
    else dispatchDate = day;
  }
  if (faults.length) throw new WorkflowError(WorkflowErrorCode.InvalidDecision, {}, faults);
  return { decision, message, actor, ...(dispatchDate ? { dispatchDate } : {}) };
}

/**
 * Why an application that is not in review cannot be decided: another decision stands (named as
 * the decision it was: an approved application may have gone on to payment or completion), the
 * citizen withdrew, or it has not reached the office yet.
 */
function notDecidable(application: ApplicationEntity): WorkflowError {
  const { status } = application;
  if (application.decidedAt && ['approved', 'payment_pending', 'paid', 'completed'].includes(status)) {
    return new WorkflowError(WorkflowErrorCode.AlreadyDecided, { status: 'approved' });
  }
  if (status === 'needs_info' || FINAL_STATUSES.includes(status)) {
    return new WorkflowError(WorkflowErrorCode.AlreadyDecided, { status });
  }
  return new WorkflowError(WorkflowErrorCode.NotInReview, { status });
}

/** The payment service cannot be reached or is not set up: the citizen may try again later. */
function unavailable(error: unknown): boolean {
  return (
    error instanceof PaymentsError &&
    [PaymentsErrorCode.ProviderUnavailable, PaymentsErrorCode.NotConfigured].includes(error.code as PaymentsErrorCode)
  );
}
