import { Module } from '@nestjs/common';
import { ApplicationsModule } from '@openrathaus/applications';
import { AppointmentsModule } from '@openrathaus/appointments';
import { CatalogModule } from '@openrathaus/catalog';
import { DocumentsModule } from '@openrathaus/documents';
import { FormsModule } from '@openrathaus/forms';
import { MessagingModule } from '@openrathaus/messaging';
import { PaymentsModule } from '@openrathaus/payments';
import { WorkflowModule } from '@openrathaus/workflow';
import { PortalHttpModule } from '../http/portal-http.module';
import { ApplicationPagesController } from './application-pages.controller';
import { ApplicationPages } from './application-pages.service';
import { ApplicationViews } from './application-views.service';
import { ApplicationsController } from './applications.controller';
import { PaymentSandboxController } from './payment-sandbox.controller';

/** A citizen's applications from draft to document (JSON and pages), and the payment sandbox. */
@Module({
  imports: [
    PortalHttpModule,
    ApplicationsModule,
    AppointmentsModule,
    CatalogModule,
    DocumentsModule,
    FormsModule,
    MessagingModule,
    PaymentsModule,
    WorkflowModule,
  ],
  controllers: [ApplicationsController, ApplicationPagesController, PaymentSandboxController],
  providers: [ApplicationViews, ApplicationPages],
})
export class ApplicationsPortalModule {}
