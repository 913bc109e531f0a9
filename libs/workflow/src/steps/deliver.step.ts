import { Injectable } from '@nestjs/common';
import { Deliveries } from '@openrathaus/delivery';
import { ApplicationProgress } from '../application-progress.service';
import { StepEffects, effectKey } from '../step-effects.repository';
import { ADVANCE_JOB, WORKFLOW_QUEUE } from '../workflow.queue';
import { DONE, StepOutcome, StepRun, WorkflowStep } from './workflow-step.strategy';

/**
 * Hands the submission to the responsible office's software, in the worker: starts the hand-off
 * (`libs/delivery`: e-mail, signed webhook or FIT-Connect, as the tenant chose for the service) and
 * waits until it is through; the hand-off's sender then has the application go on. A hand-off that
 * fails for good leaves the application waiting, and the tenant admin sees it: it is never
 * recorded as done.
 */
@Injectable()
export class DeliverStep implements WorkflowStep {
  readonly kind = 'deliver';
  readonly runs = 'worker';
  readonly effect = 'handoff';
  readonly needs = ['target'] as const;
  readonly uses = ['target', 'office'] as const;

  constructor(
    private readonly deliveries: Deliveries,
    private readonly progress: ApplicationProgress,
    private readonly effects: StepEffects,
  ) {}

  async run({ tenant, application, definition, step }: StepRun): Promise<StepOutcome> {
    let through = false;
    await this.progress.completeStep(tenant, application, async (scope, locked) => {
      const recorded = await this.effects.recorded(scope, effectKey(locked, 'handoff'));
      const officeId = step.office ? locked.parameters[step.office] : undefined;
      const delivery = recorded
        ? await this.deliveries.ofStep(scope, locked.id, locked.stepIndex)
        : await this.deliveries.start(scope, tenant, {
            applicationId: locked.id,
            stepIndex: locked.stepIndex,
            service: definition.key,
            stepTarget: step.target,
            officeId: typeof officeId === 'string' ? officeId : undefined,
            continueWith: { queue: WORKFLOW_QUEUE, name: ADVANCE_JOB },
          });
      if (!recorded && delivery) {
        await this.effects.record(scope, locked, 'handoff', { handoffId: delivery.id, target: delivery.target });
      }
      // An effect recorded before hand-offs had rows of their own (an e-mail sent at once) is through.
      through = delivery ? delivery.status === 'delivered' : Boolean(recorded);
      // Not through yet: the step stays, and the transaction rolls nothing back.
      if (!through) return false;
    });
    return through ? DONE : { wait: { application } };
  }
}
