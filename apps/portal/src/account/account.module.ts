import { Module } from '@nestjs/common';
import { PortalHttpModule } from '../http/portal-http.module';
import { AccountPagesController } from './account-pages.controller';
import { AuthController } from './auth.controller';

/** The citizen's account: registration, login, password, step-up (JSON and pages). */
@Module({
  imports: [PortalHttpModule],
  controllers: [AuthController, AccountPagesController],
})
export class AccountModule {}
