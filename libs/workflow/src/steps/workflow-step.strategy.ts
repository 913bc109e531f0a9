import type { ApplicationEntity } from '@openrathaus/applications';
import type { ProcessDefinition, StepDefinition, StepKindSpec } from '@openrathaus/catalog';
import type { Tenant } from '@openrathaus/tenancy';
import type { EffectKind } from '../step-effects.repository';

/** Where the citizen goes next after a step of the workflow. */
export interface NextStep {
  application: ApplicationEntity;
  /** Set when the citizen must pay: the provider's page. */
  payment?: { redirectUrl: string; amountCents: number };
}

/** One step of one application, as a step kind runs it. */
export interface StepRun {
  tenant: Tenant;
  /** As read before the step; `stepIndex` is this step's position. */
  application: ApplicationEntity;
  definition: ProcessDefinition;
  step: StepDefinition;
  /** True in the citizen's request, false in the worker. */
  inline: boolean;
}

/** After a step: go on with the next one, or stop where the application must wait. */
export type StepOutcome = { done: true } | { wait: NextStep };

export const DONE: StepOutcome = { done: true };

/**
 * A kind of workflow step. It declares the fields of a step definition it needs and takes
 * (checked when definitions are loaded), where it runs, and the effect it records; `run` does the
 * step and moves the application past it, or stops it to wait.
 */
export interface WorkflowStep extends StepKindSpec {
  /** `request`: done at once in the citizen's request; `worker`: handed to the worker through the outbox. */
  readonly runs: 'request' | 'worker';
  /** The effect the step records under its idempotency key, if it has one. */
  readonly effect?: EffectKind;
  run(run: StepRun): Promise<StepOutcome>;
}
