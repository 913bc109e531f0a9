import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@openrathaus/applications';
import { AppointmentsModule } from '@openrathaus/appointments';
import { projectRoot } from '@openrathaus/core';
import { CatalogModule } from '@openrathaus/catalog';
import { DeliveryModule } from '@openrathaus/delivery';
import { DocumentsModule } from '@openrathaus/documents';
import { FormsModule } from '@openrathaus/forms';
import { I18nModule } from '@openrathaus/i18n';
import { IdentityModule } from '@openrathaus/identity';
import { MessagingModule } from '@openrathaus/messaging';
import { PaymentsModule } from '@openrathaus/payments';
import { TenancyModule } from '@openrathaus/tenancy';
import { ApplicationProgress } from './application-progress.service';
import { CaseworkSweepHandler } from './casework-sweep.handler';
import { CitizenNotices } from './citizen-notices';
import { RetentionParticipants } from './retention-participants';
import { RetentionSweepHandler } from './retention-sweep.handler';
import { StepEffects } from './step-effects.repository';
import { AppointmentStep } from './steps/appointment.step';
import { DeliverStep } from './steps/deliver.step';
import { DocumentStep } from './steps/document.step';
import { FormStep } from './steps/form.step';
import { IdentityStep } from './steps/identity.step';
import { NotifyStep } from './steps/notify.step';
import { PaymentStep } from './steps/payment.step';
import { ReviewStep } from './steps/review.step';
import { WorkflowSteps } from './steps/workflow-steps.registry';
import { WorkflowAdvanceHandler } from './workflow-advance.handler';
import { Workflow } from './workflow.service';

export const WORKFLOW_ENTITIES: Function[] = [];

/** The step kinds the workflow brings itself. */
export const BUILT_IN_STEPS = [
  FormStep,
  IdentityStep,
  PaymentStep,
  ReviewStep,
  DocumentStep,
  NotifyStep,
  DeliverStep,
  AppointmentStep,
];

/**
 * The state machine of applications and its steps. Another module adds a step kind by giving a
 * provider that implements `WorkflowStep` and registers itself with `WorkflowSteps`.
 */
@Module({
  imports: [
    ApplicationsModule,
    AppointmentsModule,
    CatalogModule,
    PaymentsModule,
    DocumentsModule,
    DeliveryModule,
    IdentityModule,
    MessagingModule,
    TenancyModule,
    FormsModule,
    I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'workflow', 'locales') }),
  ],
  providers: [
    Workflow,
    WorkflowAdvanceHandler,
    CaseworkSweepHandler,
    RetentionSweepHandler,
    RetentionParticipants,
    ApplicationProgress,
    CitizenNotices,
    StepEffects,
    WorkflowSteps,
    ...BUILT_IN_STEPS,
  ],
  exports: [
    Workflow,
    WorkflowSteps,
    ApplicationProgress,
    StepEffects,
    CaseworkSweepHandler,
    RetentionSweepHandler,
    RetentionParticipants,
  ],
})
export class WorkflowModule {}
