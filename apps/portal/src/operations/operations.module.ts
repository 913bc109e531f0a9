import { Module } from '@nestjs/common';
import { MessagingModule } from '@openrathaus/messaging';
import { PortalHttpModule } from '../http/portal-http.module';
import { DevMailController } from './dev-mail.controller';
import { OpsController } from './ops.controller';

/** Health, metrics, and in development the captured mails. */
@Module({
  imports: [PortalHttpModule, MessagingModule],
  controllers: [OpsController, DevMailController],
})
export class OperationsModule {}
