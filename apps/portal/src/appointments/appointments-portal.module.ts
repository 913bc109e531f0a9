import { Module } from '@nestjs/common';
import { AppointmentsModule } from '@openrathaus/appointments';
import { WorkflowModule } from '@openrathaus/workflow';
import { PortalHttpModule } from '../http/portal-http.module';
import { AppointmentPagesController, ApplicationAppointmentController } from './appointment-pages.controller';
import { AppointmentPages } from './appointment-pages.service';
import { AppointmentsApiController } from './appointments-api.controller';
import { AppointmentsStaffController } from './appointments-staff.controller';

/** Appointments on a tenant's host: the JSON API, the citizen's pages under `/termine`, the staff's day and week. */
@Module({
  imports: [PortalHttpModule, AppointmentsModule, WorkflowModule],
  controllers: [
    AppointmentsApiController,
    AppointmentsStaffController,
    AppointmentPagesController,
    ApplicationAppointmentController,
  ],
  providers: [AppointmentPages],
})
export class AppointmentsPortalModule {}
