import { Injectable } from '@nestjs/common';
import { StepKinds } from '@openrathaus/catalog';
import { WorkflowError, WorkflowErrorCode } from '../workflow.error';
import { AppointmentStep } from './appointment.step';
import { DeliverStep } from './deliver.step';
import { DocumentStep } from './document.step';
import { FormStep } from './form.step';
import { IdentityStep } from './identity.step';
import { NotifyStep } from './notify.step';
import { PaymentStep } from './payment.step';
import { ReviewStep } from './review.step';
import type { WorkflowStep } from './workflow-step.strategy';

/**
 * The step kinds the workflow runs: the built-in ones, and those other modules add with
 * {@link WorkflowSteps.register} (from their provider's constructor, as the built-in ones are).
 * Every kind is handed to the catalogue, which checks definitions against these kinds only.
 */
@Injectable()
export class WorkflowSteps {
  private readonly steps = new Map<string, WorkflowStep>();

  constructor(
    private readonly stepKinds: StepKinds,
    form: FormStep,
    identity: IdentityStep,
    payment: PaymentStep,
    review: ReviewStep,
    document: DocumentStep,
    notify: NotifyStep,
    deliver: DeliverStep,
    appointment: AppointmentStep,
  ) {
    for (const step of [form, identity, payment, review, document, notify, deliver, appointment]) this.register(step);
  }

  /** Adds a step kind; a kind registered twice is a mistake of the modules that did it. */
  register(step: WorkflowStep): void {
    if (this.steps.has(step.kind)) throw new Error(`step kind "${step.kind}" is registered twice`);
    this.steps.set(step.kind, step);
    this.stepKinds.register({ kind: step.kind, needs: step.needs, uses: step.uses });
  }

  /** The step kind of that name; one no module registered is refused. */
  get(kind: string): WorkflowStep {
    const step = this.steps.get(kind);
    if (!step) throw new WorkflowError(WorkflowErrorCode.UnknownStepKind, { kind });
    return step;
  }

  kinds(): string[] {
    return [...this.steps.keys()];
  }
}
