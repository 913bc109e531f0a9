import { Module } from '@nestjs/common';
import { DeliveryModule as HandoffModule } from '@openrathaus/delivery';
import { PortalHttpModule } from '../http/portal-http.module';
import { HandoffFilesController } from './handoff-files.controller';

/** What the receivers of hand-offs reach on a tenant's host: the files behind a webhook's signed links. */
@Module({
  imports: [PortalHttpModule, HandoffModule],
  controllers: [HandoffFilesController],
})
export class DeliveryModule {}
