import { join } from 'node:path';
import { Module } from '@nestjs/common';
import { MovableClock, projectRoot } from '@openrathaus/core';
import { I18nModule } from '@openrathaus/i18n';
import { MessagingModule } from '@openrathaus/messaging';
import { TenancyModule } from '@openrathaus/tenancy';
import { AppointmentsRepository } from './appointments.repository';
import { AppointmentsSweepHandler } from './appointments-sweep.handler';
import { APPOINTMENTS_CLOCK, Appointments } from './appointments.service';

/** Appointments at the offices: calendars, free times, bookings, reminders. */
@Module({
  imports: [
    MessagingModule,
    TenancyModule,
    I18nModule.forFeature({ dir: join(projectRoot(), 'libs', 'appointments', 'locales') }),
  ],
  providers: [
    AppointmentsRepository,
    Appointments,
    AppointmentsSweepHandler,
    // The system time; end-to-end tests move it to see reminders and holds that run out.
    { provide: APPOINTMENTS_CLOCK, useValue: new MovableClock() },
  ],
  exports: [Appointments, AppointmentsSweepHandler, APPOINTMENTS_CLOCK],
})
export class AppointmentsModule {}
