import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { OperatorAccounts } from './operator-accounts.service';

/**
 * The IT service provider's view of every tenant: operator accounts, the tenants' list and
 * details, onboarding, suspension.
 */
@Module({
  imports: [I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'operations', 'locales') })],
  providers: [OperatorAccounts],
  exports: [OperatorAccounts],
})
export class OperationsModule {}
