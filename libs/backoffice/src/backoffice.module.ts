import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@openrathaus/applications';
import { CatalogModule } from '@openrathaus/catalog';
import { projectRoot } from '@openrathaus/core';
import { DocumentsModule } from '@openrathaus/documents';
import { I18nModule } from '@openrathaus/i18n';
import { IdentityModule } from '@openrathaus/identity';
import { MessagingModule } from '@openrathaus/messaging';
import { PaymentsModule } from '@openrathaus/payments';
import { WorkflowModule } from '@openrathaus/workflow';
import { AuditTrail } from './audit-trail.service';
import { BarrierReports } from './barrier-reports.service';
import { BarrierReportsRepository } from './barrier-reports.repository';
import { CaseFiles } from './case-files.service';
import { CaseNotesRepository } from './case-notes.repository';
import { CaseNotesRetention } from './case-notes-retention';
import { Inbox } from './inbox.service';
import { TenantStatistics } from './statistics.service';

/** The caseworkers' side of applications: inbox, detail, decisions, notes, statistics of a tenant. */
@Module({
  imports: [
    ApplicationsModule,
    CatalogModule,
    DocumentsModule,
    MessagingModule,
    PaymentsModule,
    IdentityModule,
    WorkflowModule,
    I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'backoffice', 'locales') }),
  ],
  providers: [
    CaseNotesRepository,
    CaseNotesRetention,
    Inbox,
    CaseFiles,
    TenantStatistics,
    AuditTrail,
    BarrierReports,
    BarrierReportsRepository,
  ],
  exports: [Inbox, CaseFiles, TenantStatistics, AuditTrail, BarrierReports],
})
export class BackofficeModule {}
