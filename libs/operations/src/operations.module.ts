import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@openrathaus/applications';
import { CatalogModule } from '@openrathaus/catalog';
import { projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { IdentityModule } from '@openrathaus/identity';
import { TenancyModule } from '@openrathaus/tenancy';
import { OperatorAccountsRepository } from './operator-accounts.repository';
import { OperatorAccounts } from './operator-accounts.service';
import { TenantConsole } from './tenant-console.service';
import { TenantErrorsRepository } from './tenant-errors.repository';
import { TenantErrors } from './tenant-errors.service';

/**
 * The IT service provider's view of every tenant: operator accounts, the tenants' list and
 * details, onboarding, suspension, and the per-tenant error counter.
 */
@Module({
  imports: [
    TenancyModule,
    IdentityModule,
    CatalogModule,
    ApplicationsModule,
    I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'operations', 'locales') }),
  ],
  providers: [OperatorAccountsRepository, OperatorAccounts, TenantErrorsRepository, TenantErrors, TenantConsole],
  exports: [OperatorAccounts, TenantErrors, TenantConsole],
})
export class OperationsModule {}
