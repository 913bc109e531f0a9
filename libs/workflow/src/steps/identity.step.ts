import { Injectable } from '@nestjs/common';
import { ApplicationProgress } from '../application-progress.service';
import { DONE, StepOutcome, StepRun, WorkflowStep } from './workflow-step.strategy';

/** The trust level: checked at submission (`requiredLevel`), so the workflow only passes it. */
@Injectable()
export class IdentityStep implements WorkflowStep {
  readonly kind = 'identity';
  readonly runs = 'request';
  readonly needs = ['level'] as const;
  readonly uses = ['level'] as const;

  constructor(private readonly progress: ApplicationProgress) {}

  async run({ tenant, application }: StepRun): Promise<StepOutcome> {
    await this.progress.completeStep(tenant, application);
    return DONE;
  }
}
