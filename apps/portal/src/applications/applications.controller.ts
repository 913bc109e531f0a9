import {
  Body,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Put,
  Req,
  StreamableFile,
  UseGuards,
} from '@nestjs/common';
import {
  ApiBody,
  ApiConsumes,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { ApiCookieAuth } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { IsDefined, IsObject, IsString, Matches } from 'class-validator';
import { Applications, ApplicationsError, ApplicationsErrorCode, REPLY_FIELD } from '@openrathaus/applications';
import { CatalogService } from '@openrathaus/catalog';
import { CitizenSession, meetsLevel } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { Workflow, WorkflowError, WorkflowErrorCode, requiredLevel } from '@openrathaus/workflow';
import { ApiErrors } from '../http/api-errors.decorator';
import { stepUpPath } from '../http/citizen-auth';
import { JsonWriteGuard, TakesUpload } from '../http/json-write.guard';
import { Citizen, CitizenGuard } from '../http/pipeline/citizen.guard';
import { CurrentTenant, TenantGuard } from '../http/pipeline/tenant.guard';
import { ApplicationViews, ApplicationView, DefinitionRef, readUpload } from './application-views.service';

class StartApplication {
  @ApiProperty({ example: 'bewohnerparkausweis', pattern: '^[a-z0-9-]{1,80}$' })
  @IsDefined()
  @IsString()
  @Matches(/^[a-z0-9-]{1,80}$/)
  serviceKey: string;
}

class AnswersBody {
  @ApiProperty({ description: 'answers by field id; null removes an answer', example: { kennzeichen: 'RE-AB 123' } })
  @IsDefined()
  @IsObject()
  answers: Record<string, unknown>;
}

class FieldErrorView {
  @ApiProperty({ example: 'anschrift.postalCode' }) field: string;
  @ApiProperty() message: string;
}

class SavedAnswersView {
  @ApiProperty({ type: ApplicationView }) application: ApplicationView;
  @ApiProperty({ type: [FieldErrorView], description: 'what is still wrong on the pages the answers touch' })
  errors: FieldErrorView[];
}

class AttachmentView {
  @ApiProperty() id: string;
  @ApiProperty() field: string;
  @ApiProperty() filename: string;
  @ApiProperty({ description: 'the type found in the content' }) mediaType: string;
  @ApiProperty() size: number;
}

class ApplicationSummaryView {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'bewohnerparkausweis' }) serviceKey: string;
  @ApiProperty({ nullable: true, type: String, example: 'RE-2026-000123' }) number: string | null;
  @ApiProperty({ example: 'payment_pending' }) status: string;
  @ApiProperty({ type: DefinitionRef }) definition: DefinitionRef;
  @ApiProperty({ format: 'date-time' }) createdAt: Date;
  @ApiProperty({ format: 'date-time', nullable: true, type: Date }) submittedAt: Date | null;
}

class ApplicationListView {
  @ApiProperty({ type: [ApplicationSummaryView] }) items: ApplicationSummaryView[];
}

class ReplyBody {
  @ApiProperty({ description: 'the answer to the request for information', maxLength: 5000 })
  @IsDefined()
  @IsString()
  message: string;
}

class PaymentStart {
  @ApiPropertyOptional() redirectUrl: string;
}

/**
 * A citizen's applications: start, answer, upload, submit, pay, read. Every call needs the
 * citizen's session; an application of another citizen or tenant is not found.
 */
@ApiTags('applications')
@ApiCookieAuth('citizen')
@ApiErrors(400, 401, 403, 404, 409, 415, 422)
@Controller('api/v1/applications')
@UseGuards(TenantGuard, JsonWriteGuard, CitizenGuard)
export class ApplicationsController {
  constructor(
    private readonly applications: Applications,
    private readonly workflow: Workflow,
    private readonly catalog: CatalogService,
    private readonly views: ApplicationViews,
  ) {}

  @Post()
  @HttpCode(201)
  @ApiOperation({ summary: 'Starts a draft of an online service' })
  @ApiCreatedResponse({ type: ApplicationView })
  @ApiBody({ type: StartApplication })
  async start(
    @CurrentTenant() tenant: Tenant,
    @Citizen() session: CitizenSession,
    @Body() body: StartApplication,
    @Req() request: FastifyRequest,
  ) {
    const key = body.serviceKey;
    const entry = await this.catalog.get(tenant, key);
    const level = entry.document ? requiredLevel({ definition: entry.document }) : 'basic';
    if (!meetsLevel(session.trustLevel, level)) {
      throw new WorkflowError(WorkflowErrorCode.LevelRequired, {
        level,
        stepUp: stepUpPath(level, `/leistungen/${key}/antrag`),
      });
    }
    const draft = await this.applications.startDraft(tenant, key, {
      citizenId: session.citizenId,
      locale: this.views.locale(request, tenant),
    });
    return this.views.view(tenant, draft.id, session.citizenId, request);
  }

  @Get()
  @ApiOperation({ summary: "The citizen's applications on this portal, newest first" })
  @ApiOkResponse({ type: ApplicationListView })
  async list(@CurrentTenant() tenant: Tenant, @Citizen() session: CitizenSession): Promise<ApplicationListView> {
    const rows = await this.applications.listForCitizen(tenant, session.citizenId);
    return {
      items: rows.map(({ application: a }) => ({
        id: a.id,
        serviceKey: a.serviceKey,
        number: a.number,
        status: a.status,
        definition: this.views.definitionRef(a.definitionRef),
        createdAt: a.createdAt,
        submittedAt: a.submittedAt,
      })),
    };
  }

  @Get(':id')
  @ApiOperation({
    summary: 'One application with its status, payment, documents and messages',
    description: 'While a payment is pending, the payment service is asked how it stands.',
  })
  @ApiOkResponse({ type: ApplicationView })
  async get(
    @CurrentTenant() tenant: Tenant,
    @Citizen() session: CitizenSession,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<ApplicationView> {
    await this.workflow.confirmPayment(tenant, session, id);
    return this.views.view(tenant, id, session.citizenId, request);
  }

  @Put(':id/answers')
  @ApiOperation({ summary: 'Saves answers of a draft; answers kept even where still wrong, with the errors' })
  @ApiOkResponse({ type: SavedAnswersView })
  @ApiBody({ type: AnswersBody })
  async answers(
    @CurrentTenant() tenant: Tenant,
    @Citizen() session: CitizenSession,
    @Param('id') id: string,
    @Body() body: AnswersBody,
    @Req() request: FastifyRequest,
  ): Promise<SavedAnswersView> {
    // A body that is not an object passes the pipe untouched; the service refuses what it holds.
    const saved = await this.applications.saveAnswers(tenant, session, id, (body as Partial<AnswersBody>)?.answers);
    const locale = this.views.locale(request, tenant);
    return {
      application: await this.views.view(tenant, id, session.citizenId, request),
      errors: this.views.fieldErrors(saved.errors, locale),
    };
  }

  @Post(':id/attachments')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Uploads one file for one file field (multipart: `field`, then `file`)',
    description:
      'A draft takes files for the file fields of its form. An application with a request for information open (`needs_info`) takes files for its reply under the field `nachreichung` (PDF, JPEG or PNG, at most 10 MB, at most 10 files); they are added, never replacing what was submitted.',
  })
  @ApiCreatedResponse({ type: AttachmentView })
  @ApiConsumes('multipart/form-data')
  @TakesUpload()
  async upload(
    @CurrentTenant() tenant: Tenant,
    @Citizen() session: CitizenSession,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<AttachmentView> {
    const { fields, files } = await readUpload(request);
    const file = files[0];
    if (!file) {
      throw new ApplicationsError(ApplicationsErrorCode.InvalidInput, {}, [{ field: 'file', key: 'required' }]);
    }
    // The field is named by a text part `field` before the file, or by the file part's own name.
    const field = typeof fields.field === 'string' ? fields.field : file.field;
    const attachment =
      field === REPLY_FIELD
        ? await this.applications.addReplyAttachment(tenant, session, id, file)
        : await this.applications.addAttachment(tenant, session, id, field, file);
    return {
      id: attachment.id,
      field: attachment.field,
      filename: attachment.filename,
      mediaType: attachment.mediaType,
      size: attachment.size,
    };
  }

  @Delete(':id/attachments/:attachmentId')
  @HttpCode(204)
  @ApiOperation({ summary: 'Removes an uploaded file from a draft' })
  @ApiNoContentResponse()
  async removeAttachment(
    @CurrentTenant() tenant: Tenant,
    @Citizen() session: CitizenSession,
    @Param('id') id: string,
    @Param('attachmentId') attachmentId: string,
  ): Promise<void> {
    await this.applications.removeAttachment(tenant, session, id, attachmentId);
  }

  @Post(':id/submit')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Submits a draft',
    description:
      'Answers 422 with the field errors, or the application with its next step; a payment step answers with `payment.redirectUrl`.',
  })
  @ApiOkResponse({ type: ApplicationView })
  async submit(
    @CurrentTenant() tenant: Tenant,
    @Citizen() session: CitizenSession,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<ApplicationView> {
    const next = await this.workflow.submit(tenant, session, id, session);
    return this.views.view(tenant, id, session.citizenId, request, next.payment?.redirectUrl);
  }

  @Post(':id/payment')
  @HttpCode(200)
  @ApiOperation({ summary: 'Begins or resumes the payment of a submitted application' })
  @ApiOkResponse({ type: PaymentStart })
  async pay(
    @CurrentTenant() tenant: Tenant,
    @Citizen() session: CitizenSession,
    @Param('id') id: string,
  ): Promise<PaymentStart> {
    const next = await this.workflow.pay(tenant, session, id);
    return { redirectUrl: next.payment!.redirectUrl };
  }

  @Post(':id/reply')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Answers a request for information; the application goes back to the office',
    description:
      "Only while the application `needs_info`; files go first through the attachments route (field `nachreichung`). The text is kept in the mailbox as the citizen's. 409 when no request is open.",
  })
  @ApiOkResponse({ type: ApplicationView })
  @ApiBody({ type: ReplyBody })
  async reply(
    @CurrentTenant() tenant: Tenant,
    @Citizen() session: CitizenSession,
    @Param('id') id: string,
    @Body() body: ReplyBody,
    @Req() request: FastifyRequest,
  ): Promise<ApplicationView> {
    await this.workflow.reply(tenant, session, id, (body as Partial<ReplyBody>)?.message);
    return this.views.view(tenant, id, session.citizenId, request);
  }

  @Post(':id/withdraw')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Withdraws an application not yet decided',
    description:
      'From `submitted`, `payment_pending`, `paid`, `in_review` or `needs_info`, while nothing is decided; a fee paid is recorded as due back (`payment.refund`). 409 otherwise.',
  })
  @ApiOkResponse({ type: ApplicationView })
  async withdraw(
    @CurrentTenant() tenant: Tenant,
    @Citizen() session: CitizenSession,
    @Param('id') id: string,
    @Req() request: FastifyRequest,
  ): Promise<ApplicationView> {
    await this.workflow.withdraw(tenant, session, id);
    return this.views.view(tenant, id, session.citizenId, request);
  }

  @Get(':id/documents/:documentId')
  @ApiOperation({ summary: 'An issued document (PDF)' })
  @ApiProduces('application/pdf')
  @ApiOkResponse({ description: 'the PDF', schema: { type: 'string', format: 'binary' } })
  @Header('cache-control', 'private, no-store')
  document(
    @CurrentTenant() tenant: Tenant,
    @Citizen() session: CitizenSession,
    @Param('id') id: string,
    @Param('documentId') documentId: string,
  ): Promise<StreamableFile> {
    return this.views.documentFile(tenant, session.citizenId, id, documentId);
  }
}
