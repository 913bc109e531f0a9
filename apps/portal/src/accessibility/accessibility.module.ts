import { Module } from '@nestjs/common';
import { BackofficeModule } from '@openrathaus/backoffice';
import { PortalHttpModule } from '../http/portal-http.module';
import { AccessibilityPagesController } from './accessibility-pages.controller';
import { AccessibilityPages } from './accessibility-pages.service';

/** The accessibility statement and the reports of barriers (BITV 2.0). */
@Module({
  imports: [PortalHttpModule, BackofficeModule],
  controllers: [AccessibilityPagesController],
  providers: [AccessibilityPages],
})
export class AccessibilityModule {}
