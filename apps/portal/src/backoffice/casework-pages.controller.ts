import { Body, Controller, Get, Header, Param, Post, Query, Req, Res, StreamableFile, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CaseFiles, InboxParams, TenantStatistics, statisticsCsv, statisticsRange } from '@openrathaus/backoffice';
import type { StaffSession } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { redirectAfterPost } from '../http/page-context.service';
import { Roles, Staff, StaffGuard } from '../http/pipeline/staff.guard';
import { CurrentTenant, TenantGuard } from '../http/pipeline/tenant.guard';
import { CaseworkPages } from './casework-pages.service';
import { asDownload, caseworkerOf } from './caseworker';
import { StaffCsrfGuard } from './staff-csrf';

/**
 * The back office in the browser: inbox, application, statistics, audit trail. Without a staff
 * session the browser is sent to the login page (see the error responder).
 */
@ApiExcludeController()
@Controller('backoffice')
@UseGuards(TenantGuard, StaffGuard)
@Roles('caseworker', 'tenant-admin')
export class CaseworkPagesController {
  constructor(
    private readonly pages: CaseworkPages,
    private readonly files: CaseFiles,
    private readonly statistics: TenantStatistics,
  ) {}

  @Get()
  inbox(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Query() query: InboxParams,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.inboxPage({ request, reply, tenant, staff }, query);
  }

  @Get('antraege/:id')
  application(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Query('hinweis') notice: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const known = typeof notice === 'string' && /^[a-z_]{1,32}$/.test(notice) ? notice : undefined;
    return this.pages.casePage({ request, reply, tenant, staff }, id, known);
  }

  @Get('antraege/:id/dateien/:attachmentId')
  @Header('cache-control', 'private, no-store')
  @Header('content-security-policy', "sandbox; default-src 'none'")
  async attachment(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
  ): Promise<StreamableFile> {
    return asDownload(await this.files.file(tenant, caseworkerOf(staff), id, attachmentId));
  }

  @Post('antraege/:id/notiz')
  @UseGuards(StaffCsrfGuard)
  async note(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Body() body: { body?: unknown } | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<undefined> {
    await this.files.note(tenant, caseworkerOf(staff), id, body?.body);
    return redirectAfterPost(reply, `/backoffice/antraege/${id}?hinweis=note_added#notizen`);
  }

  @Post('antraege/:id/entscheidung')
  @UseGuards(StaffCsrfGuard)
  async decide(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Body() body: { decision?: unknown; message?: unknown; dispatchDate?: unknown } | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string | undefined> {
    const outcome = await this.pages.decide({ request, reply, tenant, staff }, id, body ?? {});
    return outcome ?? redirectAfterPost(reply, `/backoffice/antraege/${id}?hinweis=decided`);
  }

  @Post('antraege/:id/zuweisung')
  @UseGuards(StaffCsrfGuard)
  async assign(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Body() body: { assignee?: unknown; office?: unknown } | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<undefined> {
    const done = await this.files.assign(tenant, caseworkerOf(staff), id, body ?? {});
    // Forwarded to an office one does not work for: the application has left one's inbox.
    const stillMine = await this.files.visibleTo(tenant, caseworkerOf(staff), done.id);
    return redirectAfterPost(reply, stillMine ? `/backoffice/antraege/${id}?hinweis=assigned` : '/backoffice');
  }

  @Get('statistik')
  @Roles('tenant-admin')
  statisticsPage(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.statisticsPage({ request, reply, tenant, staff }, from, to);
  }

  @Get('statistik.csv')
  @Roles('tenant-admin')
  async statisticsCsv(
    @CurrentTenant() tenant: Tenant,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    const figures = await this.statistics.of(
      tenant,
      statisticsRange(from, to),
      this.pages.locale({ request, reply, tenant }),
    );
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="statistik-${tenant.slug}-${figures.range.from}.csv"`);
    return statisticsCsv(figures);
  }

  @Get('uebergaben')
  @Roles('tenant-admin')
  handoffs(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Query('hinweis') notice: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.handoffsPage({ request, reply, tenant, staff }, notice);
  }

  @Post('uebergaben/:id/erneut')
  @Roles('tenant-admin')
  @UseGuards(StaffCsrfGuard)
  async resend(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<undefined> {
    await this.pages.resendHandoff({ request, reply, tenant, staff }, id);
    return redirectAfterPost(reply, '/backoffice/uebergaben?hinweis=resent');
  }

  @Get('barrieren')
  @Roles('tenant-admin')
  barriers(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Query('hinweis') notice: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.barriersPage({ request, reply, tenant, staff }, notice);
  }

  @Post('barrieren/:id/beantwortet')
  @Roles('tenant-admin')
  @UseGuards(StaffCsrfGuard)
  async answered(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<undefined> {
    await this.pages.answerBarrier({ request, reply, tenant, staff }, id);
    return redirectAfterPost(reply, '/backoffice/barrieren?hinweis=beantwortet');
  }

  @Get('protokoll')
  @Roles('tenant-admin')
  audit(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Query('cursor') cursor: unknown,
    @Query('action') action: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    return this.pages.auditPage({ request, reply, tenant, staff }, cursor, action);
  }
}
