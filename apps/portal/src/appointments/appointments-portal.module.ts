import { Module } from '@nestjs/common';
import { AppointmentsModule } from '@openrathaus/appointments';
import { PortalHttpModule } from '../http/portal-http.module';
import { AppointmentPagesController } from './appointment-pages.controller';
import { AppointmentPages } from './appointment-pages.service';
import { AppointmentsApiController } from './appointments-api.controller';
import { AppointmentsStaffController } from './appointments-staff.controller';

/** Appointments on a tenant's host: the JSON API, the citizen's pages under `/termine`, the staff's day and week. */
@Module({
  imports: [PortalHttpModule, AppointmentsModule],
  controllers: [AppointmentsApiController, AppointmentsStaffController, AppointmentPagesController],
  providers: [AppointmentPages],
})
export class AppointmentsPortalModule {}
