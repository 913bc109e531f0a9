import { Injectable } from '@nestjs/common';
import { Applications } from '@openrathaus/applications';
import { ApplicationProgress } from '../application-progress.service';
import { StepOutcome, StepRun, WorkflowStep } from './workflow-step.strategy';

/** The office reviews: the application waits `in_review` until a caseworker decides. */
@Injectable()
export class ReviewStep implements WorkflowStep {
  readonly kind = 'review';
  readonly runs = 'request';
  readonly needs = [];
  readonly uses = ['office'] as const;

  constructor(
    private readonly progress: ApplicationProgress,
    private readonly applications: Applications,
  ) {}

  async run({ tenant, application, step }: StepRun): Promise<StepOutcome> {
    await this.progress.completeStep(tenant, application, (scope, locked) =>
      this.progress.move(scope, locked, 'in_review', 'workflow', { step: step.id }),
    );
    return { wait: { application: (await this.applications.pinned(tenant, application.id)).application } };
  }
}
