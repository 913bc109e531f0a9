import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@openrathaus/applications';
import { CatalogModule } from '@openrathaus/catalog';
import { projectRoot } from '@openrathaus/core';
import { DeliveryModule } from '@openrathaus/delivery';
import { DocumentsModule } from '@openrathaus/documents';
import { I18nModule } from '@openrathaus/i18n';
import { IdentityModule } from '@openrathaus/identity';
import { MessagingModule } from '@openrathaus/messaging';
import { PaymentsModule } from '@openrathaus/payments';
import { TenancyModule } from '@openrathaus/tenancy';
import { HandoffMetrics } from './handoff-metrics.service';
import { InstanceHealth } from './instance-health.service';
import { OperatorAccountsRepository } from './operator-accounts.repository';
import { OperatorAccounts } from './operator-accounts.service';
import { OperatorAudit } from './operator-audit.service';
import { OperatorQueues } from './operator-queues.service';
import { SupportLookup } from './support-lookup.service';
import { TenantConsole } from './tenant-console.service';
import { TenantErrorsRepository } from './tenant-errors.repository';
import { TenantErrors } from './tenant-errors.service';
import { UsageReport } from './usage-report.service';

/**
 * The IT service provider's view of every tenant: operator accounts, the tenants' list and
 * details, onboarding, suspension, and the per-tenant error counter; the instances' health, the
 * queues, usage, support.
 */
@Module({
  imports: [
    TenancyModule,
    IdentityModule,
    CatalogModule,
    ApplicationsModule,
    DocumentsModule,
    MessagingModule,
    PaymentsModule,
    DeliveryModule,
    I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'operations', 'locales') }),
  ],
  providers: [
    OperatorAccountsRepository,
    OperatorAccounts,
    TenantErrorsRepository,
    TenantErrors,
    TenantConsole,
    OperatorAudit,
    InstanceHealth,
    OperatorQueues,
    UsageReport,
    SupportLookup,
    HandoffMetrics,
  ],
  exports: [
    OperatorAccounts,
    TenantErrors,
    TenantConsole,
    OperatorAudit,
    InstanceHealth,
    OperatorQueues,
    UsageReport,
    SupportLookup,
  ],
})
export class OperationsModule {}
