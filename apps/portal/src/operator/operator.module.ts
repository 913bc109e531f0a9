import { Module } from '@nestjs/common';
import { OperationsModule } from '@openrathaus/operations';
import { PortalHttpModule } from '../http/portal-http.module';
import { OperatorHostGuard, OperatorGuard } from './operator.guard';
import { OperatorPages } from './operator-pages.service';
import { OperatorPagesController } from './operator-pages.controller';
import { OperatorMonitoringController } from './operator-monitoring.controller';
import { OperatorMonitoringPagesController } from './operator-monitoring-pages.controller';
import { OperatorAuthController } from './operator-auth.controller';
import { OperatorTenantsController } from './operator-tenants.controller';

/**
 * The operator console on its own host (`OPERATOR_HOST`, `operator.localhost` in development):
 * the operators' login, the tenants, onboarding and suspension. Its pages and endpoints sit behind
 * {@link OperatorGuard}; other features of the console add their controllers here.
 */
@Module({
  imports: [PortalHttpModule, OperationsModule],
  controllers: [
    OperatorAuthController,
    OperatorTenantsController,
    OperatorPagesController,
    OperatorMonitoringController,
    OperatorMonitoringPagesController,
  ],
  providers: [OperatorPages, OperatorGuard, OperatorHostGuard],
  exports: [OperatorPages, OperatorGuard, OperatorHostGuard, OperationsModule],
})
export class OperatorConsoleModule {}
