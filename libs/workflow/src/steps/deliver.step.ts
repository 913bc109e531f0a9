import { Injectable, Logger } from '@nestjs/common';
import { Mailer, inertData } from '@openrathaus/messaging';
import { ApplicationProgress } from '../application-progress.service';
import { applicantAddress, applicantName } from '../applicant';
import { StepEffects, effectKey } from '../step-effects.repository';
import { officeEmail } from './office-address';
import { DONE, StepOutcome, StepRun, WorkflowStep } from './workflow-step.strategy';

/** Hands the submission to the responsible office (by e-mail today), in the worker. */
@Injectable()
export class DeliverStep implements WorkflowStep {
  readonly kind = 'deliver';
  readonly runs = 'worker';
  readonly effect = 'handoff';
  readonly needs = ['target'] as const;
  readonly uses = ['target', 'office'] as const;
  private readonly logger = new Logger('DeliverStep');

  constructor(
    private readonly mailer: Mailer,
    private readonly progress: ApplicationProgress,
    private readonly effects: StepEffects,
  ) {}

  async run({ tenant, application, definition, step }: StepRun): Promise<StepOutcome> {
    await this.progress.completeStep(tenant, application, async (scope, locked) => {
      if (await this.effects.recorded(scope, effectKey(locked, 'handoff'))) return;
      const to = officeEmail(tenant, application, step);
      const target = step.target ?? 'email';
      let mailId: string | null = null;
      if (to && target === 'email') {
        mailId = await this.mailer.queue(scope, {
          to,
          locale: 'de',
          template: 'application-delivery',
          data: {
            number: application.number,
            service: definition.title.de,
            version: application.definitionRef,
            answers: inertData(application.answers),
            applicant: inertData({
              name: applicantName(definition, application.answers),
              address: applicantAddress(definition, application.answers) ?? null,
            }),
            tenant: { name: tenant.name },
          },
          applicationId: application.id,
        });
      }
      if (!mailId) {
        // Nobody to hand it to: the office sees the failure in the application's history, and the
        // effect is recorded as not delivered, never as a hand-off.
        const reason = target === 'email' ? 'no_address' : 'unknown_target';
        this.logger.error({ applicationId: application.id, target, reason }, 'application not handed over');
        await this.progress.audit(scope, locked, 'application.delivery_failed', 'workflow', { target, reason });
        await this.effects.record(scope, locked, 'handoff', { delivered: false, target, reason });
        return;
      }
      await this.progress.audit(scope, locked, 'application.delivered', 'workflow', { target, to });
      await this.effects.record(scope, locked, 'handoff', { delivered: true, target, to, mailId });
    });
    return DONE;
  }
}
