import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@openrathaus/applications';
import { projectRoot } from '@openrathaus/core';
import { DocumentsModule } from '@openrathaus/documents';
import { FormsModule } from '@openrathaus/forms';
import { I18nModule } from '@openrathaus/i18n';
import { IdentityModule } from '@openrathaus/identity';
import { MessagingModule } from '@openrathaus/messaging';
import { PaymentsModule } from '@openrathaus/payments';
import { TenancyModule } from '@openrathaus/tenancy';
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
    FormsModule,
    I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'workflow', 'locales') }),
  ],
  providers: [Workflow, WorkflowAdvanceHandler],
  exports: [Workflow],
})
export class WorkflowModule {}
