import { Injectable } from '@nestjs/common';
import { Documents } from '@openrathaus/documents';
import { CitizenAccounts } from '@openrathaus/identity';
import { Mailbox, Mailer, inertData } from '@openrathaus/messaging';
import { ApplicationProgress } from '../application-progress.service';
import { applicantAddress, applicantName } from '../applicant';
import { StepEffects, effectKey } from '../step-effects.repository';
import { officeEmail } from './office-address';
import { DONE, StepOutcome, StepRun, WorkflowStep } from './workflow-step.strategy';

/**
 * Sends a message of the definition to the applicant (mail with the documents, and a copy in the
 * mailbox) or to the office, in the worker.
 */
@Injectable()
export class NotifyStep implements WorkflowStep {
  readonly kind = 'notify';
  readonly runs = 'worker';
  readonly effect = 'mail';
  readonly needs = ['template', 'to'] as const;
  readonly uses = ['template', 'to'] as const;

  constructor(
    private readonly documents: Documents,
    private readonly accounts: CitizenAccounts,
    private readonly mailer: Mailer,
    private readonly mailbox: Mailbox,
    private readonly progress: ApplicationProgress,
    private readonly effects: StepEffects,
  ) {}

  async run({ tenant, application, definition, step }: StepRun): Promise<StepOutcome> {
    const message = step.template ? definition.messages?.[step.template] : undefined;
    const toOffice = step.to === 'office';
    // Read before the transaction: no second transaction may be opened inside one (the embedded
    // database has a single session).
    const documents = await this.documents.list(tenant, application.id);
    const validUntil = documents.find((d) => d.validUntil)?.validUntil;
    const attachments = toOffice ? [] : await this.documents.attachments(tenant, application.id);
    // The applicant is the account's confirmed address; an address typed into the form is data.
    const recipient =
      toOffice || !application.citizenId
        ? undefined
        : await this.accounts.verifiedAddress(tenant, application.citizenId);
    await this.progress.completeStep(tenant, application, async (scope, locked) => {
      if (await this.effects.recorded(scope, effectKey(locked, 'mail'))) return;
      const to = toOffice ? officeEmail(tenant, application, step) : recipient?.email;
      const data = {
        tenant: { name: tenant.name, slug: tenant.slug },
        application: {
          number: application.number,
          id: application.id,
          link: `${this.progress.baseUrl(tenant)}/antraege/${application.id}`,
        },
        applicant: {
          name: applicantName(definition, application.answers),
          address: applicantAddress(definition, application.answers) ?? null,
        },
        answers: application.answers,
        params: application.parameters,
        fee: application.feeCents ?? 0,
        validUntil: validUntil ?? null,
      };
      let mailId: string | null = null;
      if (message && to) {
        mailId = await this.mailer.queue(scope, {
          to,
          locale: application.locale,
          message,
          data: { ...data, answers: inertData(application.answers), applicant: inertData(data.applicant) },
          applicationId: application.id,
          attachments,
        });
      } else if (message && !toOffice) await this.progress.withheld(scope, locked, step.template ?? 'message');
      let mailboxId: string | null = null;
      if (message && application.citizenId && !toOffice) {
        const posted = await this.mailbox.post(scope, {
          applicationId: application.id,
          citizenId: application.citizenId,
          subject: message.subject,
          body: message.body,
          data,
        });
        mailboxId = posted.id;
      }
      await this.effects.record(scope, locked, 'mail', { mailId, mailboxId, to: toOffice ? 'office' : 'applicant' });
    });
    return DONE;
  }
}
