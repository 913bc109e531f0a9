import { Module } from '@nestjs/common';
import { PortalHttpModule } from '../http/portal-http.module';
import { AccountPagesController } from './account-pages.controller';
import { AccountPages } from './account-pages.service';
import { AuthController } from './auth.controller';
import { PasswordPagesController } from './password-pages.controller';
import { StepUpPagesController } from './step-up-pages.controller';

/** The citizen's account: registration, login, password, step-up (JSON and pages). */
@Module({
  imports: [PortalHttpModule],
  controllers: [AuthController, AccountPagesController, PasswordPagesController, StepUpPagesController],
  providers: [AccountPages],
})
export class AccountModule {}
