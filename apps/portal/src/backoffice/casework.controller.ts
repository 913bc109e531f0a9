import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  AuditPage,
  AuditTrail,
  CaseFile,
  CaseFiles,
  CaseNote,
  Inbox,
  InboxPage,
  InboxParams,
  TenantStatistics,
  parseInboxParams,
  statisticsCsv,
  statisticsRange,
} from '@openrathaus/backoffice';
import { localized } from '@openrathaus/i18n';
import type { StaffSession } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { ApiErrors } from '../http/api-errors.decorator';
import { JsonWriteGuard } from '../http/json-write.guard';
import { PageContext } from '../http/page-context.service';
import { Roles, Staff, StaffGuard } from '../http/pipeline/staff.guard';
import { CurrentTenant, TenantGuard } from '../http/pipeline/tenant.guard';
import { asDownload, caseworkerOf } from './caseworker';

class NoteBody {
  @ApiProperty({ description: 'the note, for colleagues only (at most 5000 characters)' }) body: string;
}

class DecisionBody {
  @ApiProperty({ enum: ['approve', 'reject', 'request_info'] }) decision: string;
  @ApiProperty({
    description: 'to the citizen: required to reject and to ask for information; at most 5000 characters',
  })
  message: string;
  @ApiPropertyOptional({ description: 'YYYY-MM-DD: a certificate sent by post that day (approval only)' })
  dispatchDate?: string;
}

class DecisionView {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'approved' }) status: string;
}

class AssignmentBody {
  @ApiPropertyOptional({ nullable: true, description: 'a colleague’s staff id; empty or null: nobody' })
  assignee?: string;
  @ApiPropertyOptional({ description: 'an office id of the tenant: forwards the application there' }) office?: string;
}

class AssignmentView {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, type: String }) office: string | null;
  @ApiProperty({ nullable: true, type: String }) assigneeId: string | null;
}

class InboxItemView {
  @ApiProperty() id: string;
  @ApiProperty({ nullable: true, example: 'RE-2026-000123' }) number: string;
  @ApiProperty({ example: { key: 'gewerbeanzeige', title: 'Gewerbeanzeige' } }) service: object;
  @ApiProperty({ example: 'in_review' }) status: string;
  @ApiPropertyOptional({ nullable: true, example: { id: 'gewerbeamt', name: 'Gewerbeamt' } }) office: object;
  @ApiPropertyOptional({ nullable: true }) assigneeId: string;
  @ApiProperty({ example: { name: 'Erika Mustermann', email: 'erika@example.org' } }) applicant: object;
  @ApiProperty({ description: 'the language the citizen applied in' }) locale: string;
  @ApiProperty() submittedAt: string;
  @ApiProperty() statusChangedAt: string;
  @ApiPropertyOptional({ nullable: true }) decidedAt: string;
  @ApiProperty({ description: 'waiting for the office longer than the tenant allows' }) overdue: boolean;
}

class CaseFileView extends InboxItemView {
  @ApiProperty({ example: 'recklinghausen/gewerbeanzeige@1.2.0' }) definition: string;
  @ApiPropertyOptional({ nullable: true, example: { id: '…', email: 'sb@recklinghausen.de', name: null } })
  assignee: object;
  @ApiPropertyOptional({ nullable: true }) feeCents: number;
  @ApiProperty({
    description: 'the form’s pages with their answers: `{ title, rows: [{ label, lines }] }`',
    type: [Object],
  })
  answers: object[];
  @ApiProperty({ description: '`{ id, field (answer path), filename, mediaType, size, uploadedAt }`', type: [Object] })
  attachments: object[];
  @ApiPropertyOptional({ nullable: true, type: Object }) payment: object;
  @ApiProperty({ type: [Object] }) payments: object[];
  @ApiProperty({ type: [Object], description: 'issued documents with their verification codes' }) documents: object[];
  @ApiProperty({ type: [Object], description: 'the audited history, oldest first' }) history: object[];
  @ApiProperty({ type: [Object], description: 'messages between the office and the citizen' }) messages: object[];
  @ApiProperty({ type: [Object], description: 'internal notes, never shown to the citizen' }) notes: object[];
}

class NoteView {
  @ApiProperty() id: string;
  @ApiProperty() applicationId: string;
  @ApiProperty() authorId: string;
  @ApiProperty() author: string;
  @ApiProperty() body: string;
  @ApiProperty() createdAt: string;
}

class StatisticsView {
  @ApiProperty({ example: { from: '2025-12-01', to: '2027-01-01' }, description: '`to` exclusive' }) range: object;
  @ApiProperty({
    type: [Object],
    description:
      'per service and month: submitted, completed, rejected, withdrawn, decided, completedOnlineShare, medianHours, p90Hours',
  })
  rows: object[];
  @ApiProperty({ type: [Object], description: 'per month: submitted, completed, completedOnlineShare' })
  months: object[];
  @ApiProperty({ type: [Object], description: 'per service: decided, medianHours, p90Hours' }) decisionTimes: object[];
  @ApiProperty({ type: [Object], description: 'per office: open applications' }) backlog: object[];
}

class AuditPageView {
  @ApiProperty({ type: [Object], description: '`{ id, action, actor, subject, data, createdAt }`, newest first' })
  entries: object[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

class InboxView {
  @ApiProperty({ type: [InboxItemView] }) items: InboxItemView[];
  @ApiProperty({ nullable: true, description: 'pass as `cursor` for the next page' }) nextCursor: string;
  @ApiProperty({ description: 'submitted applications per status in the offices one sees', example: { in_review: 4 } })
  counts: Record<string, number>;
}

/**
 * The back office's API: the inbox, one application with everything about it, its files, internal
 * notes, and for the tenant admin the statistics and the audit trail. Caseworkers see the offices
 * they are assigned to; another office's application is not found.
 */
@ApiTags('backoffice')
@ApiCookieAuth('staff')
@ApiErrors(400, 401, 403, 404)
@Controller('api/v1/backoffice')
@UseGuards(TenantGuard, StaffGuard)
@Roles('caseworker', 'tenant-admin')
export class CaseworkController {
  constructor(
    private readonly inbox: Inbox,
    private readonly files: CaseFiles,
    private readonly statistics: TenantStatistics,
    private readonly trail: AuditTrail,
    private readonly pages: PageContext,
  ) {}

  @Get('applications')
  @ApiOperation({ summary: 'The inbox: submitted applications, newest first, filtered, paged by cursor, with counts' })
  @ApiQuery({ name: 'status', required: false })
  @ApiQuery({ name: 'service', required: false })
  @ApiQuery({ name: 'office', required: false })
  @ApiQuery({ name: 'assignee', required: false, description: '`me`, `none` or a staff id' })
  @ApiQuery({ name: 'from', required: false, description: 'submitted on or after (YYYY-MM-DD)' })
  @ApiQuery({ name: 'to', required: false, description: 'submitted on or before (YYYY-MM-DD)' })
  @ApiQuery({ name: 'q', required: false, description: 'number, or part of the name or e-mail address' })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiQuery({ name: 'limit', required: false, description: '1 to 100, default 25' })
  @ApiOkResponse({ type: InboxView })
  async list(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Query() query: InboxParams,
    @Req() request: FastifyRequest,
  ) {
    const page = await this.inbox.list(tenant, caseworkerOf(staff), parseInboxParams(query));
    const locale = this.pages.locale(request, undefined, tenant);
    return { ...page, items: page.items.map((item) => withTitle(item, locale)) };
  }

  @Get('applications/:id')
  @ApiOperation({
    summary:
      'One application: answers (the form’s labels and order), files, payment, documents, history, messages, notes',
    description: 'Every call is recorded in the audit trail (who, when, which application).',
  })
  @ApiOkResponse({ type: CaseFileView })
  async open(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ) {
    const locale = this.pages.locale(request, undefined, tenant);
    return withTitle(await this.files.open(tenant, caseworkerOf(staff), id, locale), locale);
  }

  @Get('applications/:id/attachments/:attachmentId')
  @ApiOperation({ summary: 'An uploaded file, always as a download (never shown inline); the look is audited' })
  @ApiProduces('application/octet-stream')
  @ApiOkResponse({ description: 'the file, as a download', schema: { type: 'string', format: 'binary' } })
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

  @Post('applications/:id/notes')
  @ApiOperation({ summary: 'Adds an internal note; citizens never see notes' })
  @ApiBody({ type: NoteBody })
  @ApiCreatedResponse({ type: NoteView })
  @ApiErrors(415, 422)
  @UseGuards(JsonWriteGuard)
  note(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Body() body: Partial<NoteBody> | undefined,
  ): Promise<CaseNote> {
    return this.files.note(tenant, caseworkerOf(staff), id, body?.body);
  }

  @Post('applications/:id/decision')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Approves, rejects or asks the citizen for information',
    description:
      'Only from `in_review`. Approving runs the rest of the procedure (documents, a fee due after approval); the ' +
      'citizen is told by e-mail and in the mailbox. Of two decisions at once one stands, the other gets 409 naming it.',
  })
  @ApiBody({ type: DecisionBody })
  @ApiOkResponse({ type: DecisionView })
  @ApiErrors(409, 415, 422)
  @UseGuards(JsonWriteGuard)
  decide(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Body() body: Partial<DecisionBody> | undefined,
  ): Promise<DecisionView> {
    return this.files.decide(tenant, caseworkerOf(staff), id, body ?? {});
  }

  @Post('applications/:id/assignment')
  @HttpCode(200)
  @ApiOperation({ summary: 'Assigns the application to a colleague or forwards it to another office' })
  @ApiBody({ type: AssignmentBody })
  @ApiOkResponse({ type: AssignmentView })
  @ApiErrors(415, 422)
  @UseGuards(JsonWriteGuard)
  assign(
    @CurrentTenant() tenant: Tenant,
    @Staff() staff: StaffSession,
    @Param('id') id: string,
    @Body() body: Partial<AssignmentBody> | undefined,
  ): Promise<AssignmentView> {
    return this.files.assign(tenant, caseworkerOf(staff), id, body ?? {});
  }

  @Get('statistics')
  @Roles('tenant-admin')
  @ApiOperation({
    summary: 'Aggregates per service and month: applications, completed online, time to decision, backlog per office',
    description: 'With `Accept: text/csv` the figures per service and month as CSV. No personal data.',
  })
  @ApiQuery({ name: 'from', required: false, description: 'YYYY-MM or YYYY-MM-DD; default: twelve months back' })
  @ApiQuery({ name: 'to', required: false, description: 'YYYY-MM or YYYY-MM-DD, inclusive; default: this month' })
  @ApiProduces('application/json', 'text/csv')
  @ApiOkResponse({
    type: StatisticsView,
    description: 'JSON; with `Accept: text/csv` one CSV line per service and month',
  })
  async stats(
    @CurrentTenant() tenant: Tenant,
    @Query('from') from: unknown,
    @Query('to') to: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const locale = this.pages.locale(request, undefined, tenant);
    const figures = await this.statistics.of(tenant, statisticsRange(from, to), locale);
    if (!(request.headers.accept ?? '').includes('text/csv')) return figures;
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="statistik-${tenant.slug}-${figures.range.from}.csv"`);
    return statisticsCsv(figures);
  }

  @Get('audit')
  @Roles('tenant-admin')
  @ApiOperation({
    summary: 'The audit trail of the tenant, newest first: decisions, views of personal data, staff changes',
  })
  @ApiQuery({
    name: 'action',
    required: false,
    description: 'only actions beginning with this, e.g. `application.viewed`',
  })
  @ApiQuery({ name: 'cursor', required: false })
  @ApiOkResponse({ type: AuditPageView })
  audit(
    @CurrentTenant() tenant: Tenant,
    @Query('cursor') cursor: unknown,
    @Query('action') action: unknown,
  ): Promise<AuditPage> {
    return this.trail.page(tenant, { cursor, action });
  }
}

/** An inbox item or case file with its service's title in the request's language. */
function withTitle<T extends InboxPage['items'][number] | CaseFile>(item: T, locale: string) {
  return { ...item, service: { key: item.service.key, title: localized(item.service.title, locale) } };
}
