import { Injectable } from '@nestjs/common';
import type { ApplicationEntity } from '@openrathaus/applications';
import { Appointments } from '@openrathaus/appointments';
import type { ProcessDefinition } from '@openrathaus/catalog';
import { ApplicationProgress } from '../application-progress.service';
import { DONE, StepOutcome, StepRun, WorkflowStep } from './workflow-step.strategy';

/** Statuses in which the workflow runs steps, and so in which an appointment can be due. */
const RUNNING: readonly string[] = ['submitted', 'paid', 'approved'];

/** The visit an application asks for: the office (by the step's office parameter) and the service. */
export interface AppointmentDue {
  office: string;
  service: string;
}

/**
 * A visit at the office: the citizen books an appointment inside the application (the office's
 * free times on the application's page), so the booking carries the application and the office
 * sees what the visit is for. The application waits at this step until an appointment is booked;
 * one booked (or attended) passes it.
 */
@Injectable()
export class AppointmentStep implements WorkflowStep {
  readonly kind = 'appointment';
  readonly runs = 'request';
  readonly needs = ['office', 'service'] as const;
  readonly uses = ['office', 'service'] as const;

  constructor(
    private readonly progress: ApplicationProgress,
    private readonly appointments: Appointments,
  ) {}

  async run({ tenant, application }: StepRun): Promise<StepOutcome> {
    if (!(await this.appointments.forApplication(tenant, application.id, 'de'))) return { wait: { application } };
    await this.progress.completeStep(tenant, application);
    return DONE;
  }

  /** The appointment the application waits for at its current step; none when it waits for none. */
  due(application: ApplicationEntity, definition: ProcessDefinition): AppointmentDue | undefined {
    const step = definition.steps[application.stepIndex];
    if (step?.kind !== this.kind || !step.service || !RUNNING.includes(application.status)) return undefined;
    const office = step.office ? application.parameters[step.office] : undefined;
    return { office: typeof office === 'string' ? office : '', service: step.service };
  }
}
