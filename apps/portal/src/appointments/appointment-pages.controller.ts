import { Body, Controller, Get, Header, Param, Post, Query, Req, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Appointments } from '@openrathaus/appointments';
import type { Tenant } from '@openrathaus/tenancy';
import { CitizenAuth, loginPath } from '../http/citizen-auth';
import { redirectAfterPost } from '../http/page-context.service';
import { CurrentTenant, TenantGuard } from '../http/pipeline/tenant.guard';
import { icsFile } from './appointments-api.controller';
import { AppointmentPages } from './appointment-pages.service';

type Form = Record<string, unknown> | undefined;

const answer = (reply: FastifyReply, outcome: string | { redirect: string }): string | undefined =>
  typeof outcome === 'string' ? outcome : redirectAfterPost(reply, outcome.redirect);

/**
 * The citizen's appointment pages under `/termine`: matter and office, the month at a glance, the
 * day's free times and the booking form; the booking behind its signed link with confirm, cancel,
 * move and the calendar file; an office's calendar feed behind its secret address.
 */
@ApiExcludeController()
@Controller('termine')
@UseGuards(TenantGuard)
export class AppointmentPagesController {
  constructor(
    private readonly pages: AppointmentPages,
    private readonly appointments: Appointments,
  ) {}

  @Get()
  start(
    @CurrentTenant() tenant: Tenant,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.start({ request, reply, tenant }, query);
  }

  @Get('kalender/:office/:file')
  @Header('cache-control', 'private, no-store')
  async feed(
    @CurrentTenant() tenant: Tenant,
    @Param('office') office: string,
    @Param('file') file: string,
  ): Promise<StreamableFile> {
    const ics = await this.appointments.feed(tenant, office, file.replace(/\.ics$/, ''));
    return icsFile(ics, `${office}.ics`);
  }

  @Get('buchung/:id')
  booking(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Query('token') token: unknown,
    @Query('hinweis') notice: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.booking({ request, reply, tenant }, id, token, notice, 'manage');
  }

  @Get('buchung/:id/termin.ics')
  @Header('cache-control', 'private, no-store')
  async ics(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Query('token') token: unknown,
  ): Promise<StreamableFile> {
    return icsFile(await this.appointments.ics(tenant, id, token), 'termin.ics');
  }

  @Get('buchung/:id/bestaetigen')
  confirmPage(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Query('token') token: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.booking({ request, reply, tenant }, id, token, undefined, 'confirm');
  }

  @Post('buchung/:id/bestaetigen')
  async confirm(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Body() body: Form,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<undefined> {
    const outcome = await this.pages.confirm({ request, reply, tenant }, id, body ?? {});
    return redirectAfterPost(reply, outcome.redirect);
  }

  @Post('buchung/:id/absagen')
  cancel(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Body() body: Form,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.cancel({ request, reply, tenant }, id, body ?? {});
  }

  @Post('buchung/:id/verschieben')
  async move(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Body() body: Form,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    return answer(reply, await this.pages.move({ request, reply, tenant }, id, body ?? {}));
  }

  @Get(':office')
  office(
    @CurrentTenant() tenant: Tenant,
    @Param('office') office: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.office({ request, reply, tenant }, office, { ...query, __body: undefined });
  }

  @Post(':office/buchen')
  async book(
    @CurrentTenant() tenant: Tenant,
    @Param('office') office: string,
    @Body() body: Form,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    return answer(reply, await this.pages.book({ request, reply, tenant }, office, body ?? {}));
  }
}

/**
 * The appointment inside an application (its `appointment` step): `/antraege/:id/termin` shows the
 * office's free times and books one into the application; the application's page shows it.
 */
@ApiExcludeController()
@Controller('antraege/:id/termin')
@UseGuards(TenantGuard)
export class ApplicationAppointmentController {
  constructor(
    private readonly pages: AppointmentPages,
    private readonly auth: CitizenAuth,
  ) {}

  @Get()
  async show(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Query() query: Record<string, unknown>,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const session = await this.auth.citizenOf(request);
    if (!session) return redirectAfterPost(reply, loginPath(request.url));
    return answer(reply, await this.pages.forApplication({ request, reply, tenant }, session, id, query));
  }

  @Post()
  async book(
    @CurrentTenant() tenant: Tenant,
    @Param('id') id: string,
    @Body() body: Form,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const session = await this.auth.citizenOf(request);
    if (!session) return redirectAfterPost(reply, loginPath(request.url));
    return answer(reply, await this.pages.bookForApplication({ request, reply, tenant }, session, id, body ?? {}));
  }
}
