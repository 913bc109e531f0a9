import { Injectable } from '@nestjs/common';
import { BUILT_IN_STEP_KINDS, StepKindSpec, StepKindTable } from './definition/step-kinds';

/**
 * The step kinds definitions are checked against. The workflow registers the kinds it can run
 * (its own and those other modules add); once any is registered, only registered kinds pass.
 * Without a workflow in the process (the command line) the format's built-in kinds apply.
 */
@Injectable()
export class StepKinds {
  private readonly registered = new Map<string, StepKindSpec>();

  register(spec: StepKindSpec): void {
    this.registered.set(spec.kind, spec);
  }

  table(): StepKindTable {
    return this.registered.size ? this.registered : BUILT_IN_STEP_KINDS;
  }
}
