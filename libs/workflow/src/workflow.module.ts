import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@openrathaus/applications';
import { DocumentsModule } from '@openrathaus/documents';
import { IdentityModule } from '@openrathaus/identity';
import { MessagingModule } from '@openrathaus/messaging';
import { PaymentsModule } from '@openrathaus/payments';
import { TenancyModule } from '@openrathaus/tenancy';
import { WebModule } from '@openrathaus/web';
import { WorkflowAdvanceHandler } from './workflow-advance.handler';
import { Workflow } from './workflow.service';

export const WORKFLOW_ENTITIES: Function[] = [];

/** The state machine of applications and its built-in steps. */
@Module({
  imports: [
    ApplicationsModule,
    PaymentsModule,
    DocumentsModule,
    IdentityModule,
    MessagingModule,
    TenancyModule,
    WebModule,
  ],
  providers: [Workflow, WorkflowAdvanceHandler],
  exports: [Workflow],
})
export class WorkflowModule {}
