import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@openrathaus/applications';
import { projectRoot } from '@openrathaus/core';
import { DeliveryModule } from '@openrathaus/delivery';
import { DocumentsModule } from '@openrathaus/documents';
import { I18nModule } from '@openrathaus/i18n';
import { MessagingModule } from '@openrathaus/messaging';
import { PaymentsModule } from '@openrathaus/payments';
import { TenancyModule } from '@openrathaus/tenancy';
import { HandoffMetrics } from './handoff-metrics.service';
import { InstanceHealth } from './instance-health.service';
import { OperatorAccounts } from './operator-accounts.service';
import { OperatorAudit } from './operator-audit.service';
import { OperatorQueues } from './operator-queues.service';
import { SupportLookup } from './support-lookup.service';
import { UsageReport } from './usage-report.service';

/**
 * The IT service provider's view of every tenant: operator accounts, the tenants' list and
 * details, onboarding, suspension; the instances' health, the queues, usage, support.
 */
@Module({
  imports: [
    I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'operations', 'locales') }),
    TenancyModule,
    ApplicationsModule,
    DocumentsModule,
    MessagingModule,
    PaymentsModule,
    DeliveryModule,
  ],
  providers: [
    OperatorAccounts,
    OperatorAudit,
    InstanceHealth,
    OperatorQueues,
    UsageReport,
    SupportLookup,
    HandoffMetrics,
  ],
  exports: [OperatorAccounts, OperatorAudit, InstanceHealth, OperatorQueues, UsageReport, SupportLookup],
})
export class OperationsModule {}
