import { Injectable } from '@nestjs/common';
import { Documents } from '@openrathaus/documents';
import { ApplicationProgress } from '../application-progress.service';
import { applicantName } from '../applicant';
import { StepEffects, effectKey } from '../step-effects.repository';
import { DONE, StepOutcome, StepRun, WorkflowStep } from './workflow-step.strategy';

/** Issues a document of the definition's templates (a permit, a certificate), in the worker. */
@Injectable()
export class DocumentStep implements WorkflowStep {
  readonly kind = 'document';
  readonly runs = 'worker';
  readonly effect = 'document';
  readonly needs = ['template'] as const;
  readonly uses = ['template'] as const;

  constructor(
    private readonly documents: Documents,
    private readonly progress: ApplicationProgress,
    private readonly effects: StepEffects,
  ) {}

  async run({ tenant, application, definition, step }: StepRun): Promise<StepOutcome> {
    // Issued outside the step's transaction (the documents lib opens its own), so the record is
    // looked at first; issuing is idempotent per application and template besides.
    const done = await this.effects.recordedFor(tenant.id, effectKey(application, 'document'));
    const issued = done
      ? undefined
      : await this.documents.issue(tenant, {
          application: {
            id: application.id,
            number: application.number ?? '',
            answers: application.answers,
            parameters: application.parameters,
            submittedAt: application.submittedAt ?? new Date(),
          },
          definition,
          templateKey: step.template ?? '',
          holder: applicantName(definition, application.answers),
          locale: application.locale,
        });
    await this.progress.completeStep(tenant, application, async (scope, locked) => {
      if (issued)
        await this.effects.record(scope, locked, 'document', { documentId: issued.id, template: step.template });
    });
    return DONE;
  }
}
