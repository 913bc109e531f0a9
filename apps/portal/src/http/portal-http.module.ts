import { Module } from '@nestjs/common';
import { APP_FILTER, APP_PIPE } from '@nestjs/core';
import { IdentityModule } from '@openrathaus/identity';
import { OperationsModule } from '@openrathaus/operations';
import { TenancyModule } from '@openrathaus/tenancy';
import { AllErrorsFilter } from './all-errors.filter';
import { CitizenAuth } from './citizen-auth';
import { ErrorResponder } from './error-responder.service';
import { PageContext } from './page-context.service';
import { BodyValidationPipe } from './pipeline/body-validation.pipe';
import { CitizenPasswordStrategy } from './pipeline/citizen-password.strategy';
import { StaffPasswordStrategy } from './pipeline/staff-password.strategy';

/**
 * What every feature of the portal shares: the page layout's data, the error answers, the
 * citizen's session. The feature modules import it; it imports none of them.
 */
@Module({
  imports: [TenancyModule, IdentityModule, OperationsModule],
  providers: [
    PageContext,
    ErrorResponder,
    CitizenAuth,
    CitizenPasswordStrategy,
    StaffPasswordStrategy,
    { provide: APP_FILTER, useClass: AllErrorsFilter },
    { provide: APP_PIPE, useClass: BodyValidationPipe },
  ],
  exports: [PageContext, ErrorResponder, CitizenAuth, TenancyModule, IdentityModule],
})
export class PortalHttpModule {}
