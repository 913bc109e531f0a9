import { Body, Controller, Get, HttpCode, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiCookieAuth, ApiOkResponse, ApiOperation, ApiProperty, ApiQuery, ApiTags } from '@nestjs/swagger';
import { ApiExcludeEndpoint } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Appointments } from '@openrathaus/appointments';
import type { StaffSession } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { ApiErrors } from '../http/api-errors.decorator';
import { JsonWriteGuard } from '../http/json-write.guard';
import { PageContext, redirectAfterPost } from '../http/page-context.service';
import { Roles, Staff, StaffGuard } from '../http/pipeline/staff.guard';
import { CurrentTenant, TenantGuard } from '../http/pipeline/tenant.guard';
import { StaffCsrfGuard } from '../backoffice/staff-csrf';
import { AppointmentPages, staffOf } from './appointment-pages.service';

type Form = Record<string, unknown> | undefined;

class AppointmentAgendaItemView {
  @ApiProperty() id: string;
  @ApiProperty({ example: '2026-12-08T09:00:00+01:00' }) start: string;
  @ApiProperty() end: string;
  @ApiProperty() counter: number;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiProperty() service: string;
  @ApiProperty() serviceTitle: string;
  @ApiProperty() count: number;
  @ApiProperty({ enum: ['held', 'confirmed', 'checked_in', 'no_show'] }) status: string;
}

class AppointmentAgendaView {
  @ApiProperty() office: string;
  @ApiProperty() date: string;
  @ApiProperty() days: number;
  @ApiProperty({ type: [AppointmentAgendaItemView] }) items: AppointmentAgendaItemView[];
}

class AppointmentMarkedView {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ['checked_in', 'no_show'] }) status: string;
}

class AppointmentClosureView {
  @ApiProperty({ description: 'bookings moved to another counter at the same time' }) moved: number;
  @ApiProperty({ description: 'bookings cancelled and told, with the next free times' }) cancelled: number;
}

/**
 * The office staff's appointments (caseworkers of their offices, tenant admins of all): the day
 * and the week, who came, closed counters. As JSON under `/api/v1/backoffice/appointments` and as
 * pages under `/backoffice/termine`.
 */
@ApiTags('backoffice')
@ApiCookieAuth('staff')
@ApiErrors(400, 401, 403, 404)
@Controller()
@UseGuards(TenantGuard, StaffGuard)
@Roles('caseworker', 'tenant-admin')
export class AppointmentsStaffController {
  constructor(
    private readonly appointments: Appointments,
    private readonly pages: AppointmentPages,
    private readonly context: PageContext,
  ) {}

  @Get('api/v1/backoffice/appointments')
  @ApiOperation({ summary: 'Appointments of an office from a day on, for one day or a week' })
  @ApiQuery({ name: 'office', required: false, description: 'default: one’s first office' })
  @ApiQuery({ name: 'date', required: false, description: 'YYYY-MM-DD, default today' })
  @ApiQuery({ name: 'days', required: false, description: '1 (default) or 7' })
  @ApiOkResponse({ type: AppointmentAgendaView })
  async agenda(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
  ) {
    const locale = this.context.locale(request, undefined, tenant);
    const agenda = await this.appointments.agenda(
      tenant,
      staffOf(staff),
      { office: query.office, date: query.date, days: query.days === '7' ? 7 : 1 },
      locale,
    );
    return { office: agenda.office.office.id, date: agenda.date, days: agenda.days, items: agenda.items };
  }

  @Post('api/v1/backoffice/appointments/:id/status')
  @UseGuards(JsonWriteGuard)
  @HttpCode(200)
  @ApiOperation({ summary: 'Marks who came: `{ status: checked_in | no_show }`' })
  @ApiOkResponse({ type: AppointmentMarkedView })
  @ApiErrors(409, 415)
  async mark(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Body() body: Form,
  ) {
    const row = await this.appointments.mark(tenant, staffOf(staff), id, body?.status);
    return { id: row.id, status: row.status };
  }

  @Post('api/v1/backoffice/appointments/closures')
  @UseGuards(JsonWriteGuard)
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Closes a counter: `{ office, counter, date, from, to }`; bookings move to a free counter or are cancelled and told',
  })
  @ApiOkResponse({ type: AppointmentClosureView })
  @ApiErrors(415)
  close(@CurrentTenant() tenant: Tenant, @Staff() staff: StaffSession, @Body() body: Form) {
    return this.appointments.closeCounter(tenant, staffOf(staff), body ?? {});
  }

  @Get('backoffice/termine')
  @ApiExcludeEndpoint()
  page(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const locale = this.context.locale(request, reply, tenant);
    const notice =
      query.hinweis === 'marked'
        ? 'backoffice.appointments.marked'
        : query.hinweis === 'closed'
          ? 'backoffice.appointments.closed'
          : undefined;
    const params = { moved: Number(query.moved) || 0, cancelled: Number(query.cancelled) || 0 };
    return this.pages.staffAgenda(
      { request, reply, tenant },
      staff,
      query,
      notice && this.pages.text(locale, notice, params),
    );
  }

  @Post('backoffice/termine/:id/status')
  @ApiExcludeEndpoint()
  @UseGuards(StaffCsrfGuard)
  async markPage(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Body() body: Form,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<undefined> {
    await this.appointments.mark(tenant, staffOf(staff), id, body?.status);
    const back = typeof body?.back === 'string' && /^[a-z0-9=&-]{0,200}$/.test(body.back) ? body.back : '';
    return redirectAfterPost(reply, `/backoffice/termine?${back}&hinweis=marked`);
  }

  @Post('backoffice/termine/schliessen')
  @ApiExcludeEndpoint()
  @UseGuards(StaffCsrfGuard)
  async closePage(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Body() body: Form,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<undefined> {
    const done = await this.appointments.closeCounter(tenant, staffOf(staff), body ?? {});
    const office = typeof body?.office === 'string' ? encodeURIComponent(body.office) : '';
    const date = typeof body?.date === 'string' ? encodeURIComponent(body.date) : '';
    return redirectAfterPost(
      reply,
      `/backoffice/termine?office=${office}&date=${date}&hinweis=closed&moved=${done.moved}&cancelled=${done.cancelled}`,
    );
  }
}
