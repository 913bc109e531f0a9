import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Appointments } from '@openrathaus/appointments';
import type { Tenant } from '@openrathaus/tenancy';
import { ApiErrors } from '../http/api-errors.decorator';
import { CitizenAuth } from '../http/citizen-auth';
import { JsonWriteGuard } from '../http/json-write.guard';
import { PageContext } from '../http/page-context.service';
import { CurrentTenant, TenantGuard } from '../http/pipeline/tenant.guard';

class AppointmentBookingBody {
  @ApiProperty({ example: 'buergerbuero', description: 'an office id of `GET /api/v1/appointments/offices`' })
  office: string;
  @ApiProperty({ example: 'personalausweis' }) service: string;
  @ApiPropertyOptional({ example: 3, description: 'persons (1 to the office’s maximum); the time multiplies' })
  count?: number;
  @ApiProperty({ example: '2026-12-08T09:00:00+01:00', description: 'a free start time of `slots`' }) start: string;
  @ApiProperty({ description: 'ignored when logged in (the account’s name is used)' }) name: string;
  @ApiProperty({ description: 'ignored when logged in (the account’s verified address is used)' }) email: string;
}

class AppointmentMoveBody {
  @ApiProperty({ example: '2026-12-09T10:30:00+01:00' }) start: string;
}

class AppointmentView {
  @ApiProperty() id: string;
  @ApiProperty() office: string;
  @ApiProperty() officeName: string;
  @ApiProperty() service: string;
  @ApiProperty() serviceTitle: string;
  @ApiProperty() count: number;
  @ApiProperty({ example: '2026-12-08T09:00:00+01:00' }) start: string;
  @ApiProperty({ example: '2026-12-08T09:45:00+01:00' }) end: string;
  @ApiProperty({ enum: ['held', 'confirmed', 'cancelled', 'expired', 'checked_in', 'no_show'] }) status: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty({ nullable: true, type: String, description: 'held until confirmed by the e-mailed link' })
  holdUntil: string | null;
}

class AppointmentBookedView {
  @ApiProperty() id: string;
  @ApiProperty() start: string;
  @ApiProperty() end: string;
  @ApiProperty({ enum: ['held', 'confirmed'] }) status: string;
  @ApiProperty({ description: '`DELETE` cancels; the token is spent by every confirmation, move and cancellation' })
  cancelUrl: string;
  @ApiProperty({ description: 'the page to cancel or move it' }) manageUrl: string;
  @ApiProperty({ type: AppointmentView }) appointment: AppointmentView;
}

class AppointmentOfficeServiceView {
  @ApiProperty() key: string;
  @ApiProperty() title: string;
  @ApiProperty({ description: 'minutes per person' }) minutes: number;
}

class AppointmentOfficeView {
  @ApiProperty() id: string;
  @ApiProperty() name: string;
  @ApiProperty() address: string;
  @ApiProperty() counters: number;
  @ApiProperty({ type: [AppointmentOfficeServiceView] }) services: AppointmentOfficeServiceView[];
  @ApiProperty({ nullable: true, type: String }) nextFree: string | null;
}

class AppointmentSlotsView {
  @ApiProperty() office: string;
  @ApiProperty() service: string;
  @ApiProperty() count: number;
  @ApiProperty({ description: 'minutes the appointment takes (per person times persons)' }) minutes: number;
  @ApiProperty() from: string;
  @ApiProperty() to: string;
  @ApiProperty({ type: [String], example: ['2026-12-08T09:00:00+01:00'] }) times: string[];
}

const flat = (booked: Awaited<ReturnType<Appointments['book']>>) => ({
  id: booked.appointment.id,
  start: booked.appointment.start,
  end: booked.appointment.end,
  status: booked.appointment.status,
  cancelUrl: booked.cancelUrl,
  manageUrl: booked.manageUrl,
  appointment: booked.appointment,
});

/**
 * Appointments on a tenant's host: offices and free times, booking (logged in or not), the
 * appointment behind its signed link as JSON or iCalendar, confirm, move, cancel.
 */
@ApiTags('appointments')
@ApiErrors(400, 404)
@Controller('api/v1/appointments')
@UseGuards(TenantGuard, JsonWriteGuard)
export class AppointmentsApiController {
  constructor(
    private readonly appointments: Appointments,
    private readonly auth: CitizenAuth,
    private readonly pages: PageContext,
  ) {}

  @Get('offices')
  @ApiOperation({ summary: 'Offices that book appointments, with their services and next free time' })
  @ApiQuery({ name: 'service', required: false, description: 'only offices that offer this service' })
  @ApiOkResponse({ type: [AppointmentOfficeView] })
  offices(@CurrentTenant() tenant: Tenant, @Query('service') service: unknown, @Req() request: FastifyRequest) {
    const key = typeof service === 'string' && service ? service : undefined;
    return this.appointments.offices(tenant, this.pages.locale(request, undefined, tenant), key);
  }

  @Get('slots')
  @ApiOperation({ summary: 'Free start times of an office for a service and a number of persons' })
  @ApiQuery({ name: 'office' })
  @ApiQuery({ name: 'service' })
  @ApiQuery({ name: 'count', required: false, description: 'persons, default 1' })
  @ApiQuery({ name: 'from', required: false, description: 'YYYY-MM-DD, default today' })
  @ApiQuery({ name: 'to', required: false, description: 'YYYY-MM-DD, default four weeks on; at most 62 days' })
  @ApiOkResponse({ type: AppointmentSlotsView })
  slots(@CurrentTenant() tenant: Tenant, @Query() query: Record<string, unknown>) {
    return this.appointments.slots(tenant, query);
  }

  @Post()
  @ApiOperation({
    summary:
      'Books: logged in, confirmed to the account’s address; otherwise held 30 minutes until the e-mailed link confirms it',
  })
  @ApiCreatedResponse({ type: AppointmentBookedView })
  @ApiErrors(409, 415, 422)
  async book(@CurrentTenant() tenant: Tenant, @Body() body: AppointmentBookingBody, @Req() request: FastifyRequest) {
    const session = await this.auth.citizenOf(request);
    const locale = this.pages.locale(request, undefined, tenant);
    const citizen = session ? { citizenId: session.citizenId, email: session.email, name: session.name } : undefined;
    return flat(await this.appointments.book(tenant, body, locale, citizen));
  }

  @Get(':id')
  @ApiOperation({ summary: 'The appointment behind its link: `:id` as JSON, `:id.ics` as iCalendar (once confirmed)' })
  @ApiProduces('application/json', 'text/calendar')
  @ApiQuery({ name: 'token' })
  @ApiOkResponse({ type: AppointmentBookedView, description: 'JSON; for `:id.ics` an iCalendar file (text/calendar)' })
  @ApiErrors(409)
  @Header('cache-control', 'private, no-store')
  async show(
    @CurrentTenant() tenant: Tenant,
    @Param('id') ref: string,
    @Query('token') token: unknown,
    @Req() request: FastifyRequest,
  ) {
    if (ref.endsWith('.ics')) {
      const ics = await this.appointments.ics(tenant, ref.slice(0, -4), token);
      return icsFile(ics, 'termin.ics');
    }
    return flat(await this.appointments.show(tenant, ref, token, this.pages.locale(request, undefined, tenant)));
  }

  @Post(':id/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirms a held booking with the token of the e-mailed link' })
  @ApiQuery({ name: 'token' })
  @ApiOkResponse({ type: AppointmentBookedView })
  @ApiErrors(409)
  async confirm(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Query('token') token: unknown,
    @Req() request: FastifyRequest,
  ) {
    return flat(await this.appointments.confirm(tenant, id, token, this.pages.locale(request, undefined, tenant)));
  }

  @Post(':id/move')
  @HttpCode(200)
  @ApiOperation({ summary: 'Moves to another free start; the old link is spent, a new one is mailed' })
  @ApiQuery({ name: 'token' })
  @ApiOkResponse({ type: AppointmentBookedView })
  @ApiErrors(409)
  async move(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Query('token') token: unknown,
    @Body() body: AppointmentMoveBody,
    @Req() request: FastifyRequest,
  ) {
    return flat(await this.appointments.move(tenant, id, token, body, this.pages.locale(request, undefined, tenant)));
  }

  @Delete(':id')
  @ApiOperation({ summary: 'Cancels; the time is free again and the link is spent' })
  @ApiQuery({ name: 'token' })
  @ApiOkResponse({ type: AppointmentView })
  @ApiErrors(409)
  cancel(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Query('token') token: unknown,
    @Req() request: FastifyRequest,
  ) {
    return this.appointments.cancel(tenant, id, token, this.pages.locale(request, undefined, tenant));
  }
}

/** An iCalendar answer, as a download. */
export const icsFile = (ics: string, filename: string): StreamableFile =>
  new StreamableFile(Buffer.from(ics, 'utf8'), {
    type: 'text/calendar; charset=utf-8',
    disposition: `attachment; filename="${filename}"`,
  });
