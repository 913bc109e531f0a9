import { Injectable } from '@nestjs/common';
import { ApplicationProgress } from '../application-progress.service';
import { DONE, StepOutcome, StepRun, WorkflowStep } from './workflow-step.strategy';

/** The form: answered and checked before submission, so the workflow only passes it. */
@Injectable()
export class FormStep implements WorkflowStep {
  readonly kind = 'form';
  readonly runs = 'request';
  readonly needs = [];
  readonly uses = [];

  constructor(private readonly progress: ApplicationProgress) {}

  async run({ tenant, application }: StepRun): Promise<StepOutcome> {
    await this.progress.completeStep(tenant, application);
    return DONE;
  }
}
