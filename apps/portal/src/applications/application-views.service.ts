import { Injectable, StreamableFile } from '@nestjs/common';
import Busboy, { BusboyHeaders } from '@fastify/busboy';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  APPLICATION_STATUSES,
  ApplicationStatus,
  Applications,
  ApplicationsError,
  ApplicationsErrorCode,
  toFaults,
} from '@openrathaus/applications';
import { ConcurrencyGate } from '@openrathaus/core';
import { Documents } from '@openrathaus/documents';
import type { FormFieldError } from '@openrathaus/forms';
import { Mailbox } from '@openrathaus/messaging';
import { Payments } from '@openrathaus/payments';
import type { Tenant } from '@openrathaus/tenancy';
import { MAX_UPLOAD_BYTES } from '../portal-limits';
import { ErrorResponder } from '../http/error-responder.service';
import { PageContext } from '../http/page-context.service';

export class DefinitionRef {
  @ApiProperty({ example: 'gelsenkirchen' }) owner: string;
  @ApiProperty({ example: 'bewohnerparkausweis' }) key: string;
  @ApiProperty({ example: '1.2.0' }) version: string;
}

class RefundView {
  @ApiProperty({ enum: ['due', 'refunded'], description: '`due`: the office pays it back' }) status: string;
  @ApiProperty({ description: 'whole cents' }) amountCents: number;
}

class PaymentView {
  @ApiProperty({ enum: ['INITIAL', 'PAYED', 'FAILED', 'CANCELED'] }) status: string;
  @ApiProperty({ description: 'whole cents' }) amountCents: number;
  @ApiPropertyOptional({ description: 'the payment page, while the payment is open' }) redirectUrl?: string;
  @ApiPropertyOptional({ type: RefundView, description: 'the fee going back (rejected or withdrawn)' })
  refund?: RefundView;
}

class DocumentView {
  @ApiProperty() id: string;
  @ApiProperty() title: string;
  @ApiProperty() filename: string;
  @ApiProperty({ description: 'where to download the PDF' }) url: string;
  @ApiPropertyOptional() validUntil?: string;
  @ApiProperty({ description: 'the code the QR code carries; /verify/<code> checks it' }) verifyCode: string;
}

class MessageView {
  @ApiProperty() id: string;
  @ApiProperty() subject: string;
  @ApiProperty() body: string;
  @ApiProperty({ enum: ['system', 'staff', 'citizen'], description: 'who wrote it' }) sender: string;
  @ApiProperty() createdAt: Date;
}

export class ApplicationView {
  @ApiProperty() id: string;
  @ApiProperty({ example: 'bewohnerparkausweis' }) serviceKey: string;
  @ApiPropertyOptional({ example: 'RE-2026-000123', nullable: true }) number: string | null;
  @ApiProperty({ enum: APPLICATION_STATUSES })
  status: ApplicationStatus;
  @ApiProperty({
    type: DefinitionRef,
    description: 'the exact definition version, for the whole life of the application',
  })
  definition: DefinitionRef;
  @ApiProperty({ description: 'answers by field id; files as lists of attachment ids' })
  answers: Record<string, unknown>;
  @ApiPropertyOptional({ description: 'the fee computed on submission, whole cents', nullable: true })
  feeCents: number | null;
  @ApiPropertyOptional({ type: PaymentView, nullable: true }) payment: PaymentView | null;
  @ApiProperty({ type: [DocumentView] }) documents: DocumentView[];
  @ApiProperty({ type: [MessageView] }) messages: MessageView[];
  @ApiProperty() createdAt: Date;
  @ApiPropertyOptional({ nullable: true }) submittedAt: Date | null;
}

/** A file of a multipart request, and the name of its part: the field it is for. */
export interface UploadedFile {
  bytes: Buffer;
  filename: string;
  field: string;
}

/** Uploaded files and the fields sent with them. */
export interface Upload {
  /** Text parts; a name sent several times (checkboxes, kept files) gives a list. */
  fields: Record<string, string | string[]>;
  /** The files chosen, in the order sent. */
  files: UploadedFile[];
}

/** Whether the request's body is multipart/form-data (a form with files). */
export const isMultipart = (request: FastifyRequest): boolean =>
  /^multipart\/form-data\s*;/i.test(request.headers['content-type'] ?? '');

/**
 * Reads a multipart request: the text parts, and the files as bytes. A file above the platform's
 * limit is refused naming its field (the rest of it is not kept); an empty file part (a file
 * input left empty: a browser sends every file input of a form) is no file; `parts` bounds the
 * number of file parts (default one). The portal leaves multipart bodies unread until here (see
 * `portal.ts`), so that other requests pay nothing for uploads.
 *
 * A body cut off, malformed, stalled until the server's request timeout, or abandoned by its
 * client is refused as invalid: every stream involved (the request, the parser, each file) has
 * its error handled here, and the promise settles once, whichever of them fails first.
 */
export function readUpload(request: FastifyRequest, parts = 1): Promise<Upload> {
  if (!isMultipart(request)) return Promise.reject(invalidUpload());
  const length = Number(request.headers['content-length']);
  // A body far longer than its files and fields may be is refused before a byte of it is read;
  // one a little too long is read, so that the answer can name the field whose file is too large.
  if (length > 2 * (parts * MAX_UPLOAD_BYTES + MAX_FIELD_BYTES)) {
    return Promise.reject(new ApplicationsError(ApplicationsErrorCode.InvalidUpload, {}, [tooLarge('file')]));
  }
  return uploads.run(() => readParts(request, parts));
}

const invalidUpload = (field = 'file') =>
  new ApplicationsError(ApplicationsErrorCode.InvalidInput, {}, [{ field, key: 'multipart' }]);

const tooLarge = (field: string) => ({
  field,
  key: 'file_too_large',
  params: { max: MAX_UPLOAD_BYTES / 1024 / 1024 },
});

/** Text parts of a multipart body together. */
const MAX_FIELD_BYTES = 1024 * 1024;

/**
 * Uploads read at once per instance (each holds its files in memory until saved), and how many may
 * wait: a flood of uploads costs bounded memory, and the request past the line gets 503.
 */
const uploads = new ConcurrencyGate('upload', 16, 64);

function readParts(request: FastifyRequest, parts: number): Promise<Upload> {
  const invalid = invalidUpload;
  return new Promise((resolve, reject) => {
    const fields: Record<string, string | string[]> = {};
    const files: UploadedFile[] = [];
    let total = 0;
    let open = 0;
    let parsed = false;
    let settled = false;
    let failure: Error | undefined;
    let busboy: ReturnType<typeof createBusboy>;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      request.raw.unpipe(busboy);
      if (error) {
        // Drain what the client still sends, so that the answer can be written; the server's
        // request timeout still bounds a client that never stops.
        request.raw.resume();
        reject(error);
      } else resolve({ fields, files });
    };
    const fail = (error: Error) => {
      failure ??= error;
    };
    const finishIfDone = () => {
      if (parsed && open === 0) settle(failure);
    };
    try {
      busboy = createBusboy(request, parts);
    } catch {
      return reject(invalid());
    }
    busboy.on('file', (field, stream, filename) => {
      const chunks: Buffer[] = [];
      open++;
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('error', () => settle(invalid(field)));
      stream.on('end', () => {
        open--;
        const bytes = Buffer.concat(chunks);
        total += bytes.length;
        if (stream.truncated || total > MAX_UPLOAD_BYTES) {
          fail(
            new ApplicationsError(ApplicationsErrorCode.InvalidUpload, {}, [
              // The JSON API names the field in a text part before the file.
              tooLarge(typeof fields.field === 'string' ? fields.field : field),
            ]),
          );
        } else if (bytes.length > 0 || filename) {
          files.push({ bytes, filename: filename ?? '', field });
        }
        finishIfDone();
      });
    });
    busboy.on('field', (name, value) => {
      const known = fields[name];
      fields[name] = known === undefined ? value : [...[known].flat(), value];
    });
    busboy.on('filesLimit', () => fail(invalid()));
    busboy.on('partsLimit', () => fail(invalid()));
    busboy.on('fieldsLimit', () => fail(invalid()));
    busboy.on('error', () => settle(invalid()));
    busboy.on('finish', () => {
      parsed = true;
      finishIfDone();
    });
    request.raw.on('error', () => settle(invalid()));
    // A client that goes away before its body has arrived: nothing more will come.
    request.raw.on('close', () => {
      if (!request.raw.complete) settle(invalid());
    });
    request.raw.pipe(busboy);
  });
}

function createBusboy(request: FastifyRequest, files: number) {
  return Busboy({
    headers: request.headers as BusboyHeaders,
    limits: { fileSize: MAX_UPLOAD_BYTES, files, fields: 200, parts: 200 + files, fieldSize: MAX_FIELD_BYTES / 10 },
  });
}

/** What the JSON API and the pages show of an application, built in one place. */
@Injectable()
export class ApplicationViews {
  constructor(
    private readonly applications: Applications,
    private readonly payments: Payments,
    private readonly documents: Documents,
    private readonly mailbox: Mailbox,
    private readonly pages: PageContext,
    private readonly responder: ErrorResponder,
  ) {}

  locale(request: FastifyRequest, tenant: Tenant): string {
    return this.pages.locale(request, undefined, tenant);
  }

  definitionRef(ref: string): DefinitionRef {
    const [path, version] = ref.split('@');
    const [owner, key] = path.split('/');
    return { owner, key, version };
  }

  fieldErrors(errors: FormFieldError[], locale: string): { field: string; message: string }[] {
    return toFaults(errors, locale).map((f) => ({ field: f.field, message: this.responder.fieldMessage(locale, f) }));
  }

  async view(
    tenant: Tenant,
    applicationId: string,
    citizenId: string,
    request: FastifyRequest,
    redirectUrl?: string,
  ): Promise<ApplicationView> {
    const locale = this.locale(request, tenant);
    const { application } = await this.applications.pinned(tenant, applicationId, { citizenId });
    const [payment, documents, messages] = await Promise.all([
      this.payments.forApplication(tenant, applicationId),
      this.documents.list(tenant, applicationId),
      this.mailbox.forApplication(tenant, citizenId, applicationId, locale),
    ]);
    return {
      id: application.id,
      serviceKey: application.serviceKey,
      number: application.number,
      status: application.status,
      definition: this.definitionRef(application.definitionRef),
      answers: application.answers,
      feeCents: application.feeCents,
      payment: payment
        ? {
            status: payment.status,
            amountCents: payment.amountCents,
            ...(payment.status === 'INITIAL' ? { redirectUrl: redirectUrl ?? payment.redirectUrl } : {}),
            ...(payment.refund
              ? { refund: { status: payment.refund.status, amountCents: payment.refund.amountCents } }
              : {}),
          }
        : null,
      documents: documents.map((d) => ({
        id: d.id,
        title: d.title,
        filename: d.filename,
        url: `/api/v1/applications/${application.id}/documents/${d.id}`,
        validUntil: d.validUntil ?? undefined,
        verifyCode: d.verifyCode,
      })),
      messages: messages.map((m) => ({
        id: m.id,
        subject: m.subject,
        body: m.body,
        sender: m.sender,
        createdAt: m.createdAt,
      })),
      createdAt: application.createdAt,
      submittedAt: application.submittedAt,
    };
  }

  /** An issued document of the citizen's own application, as the file to download. */
  async documentFile(
    tenant: Tenant,
    citizenId: string,
    applicationId: string,
    documentId: string,
  ): Promise<StreamableFile> {
    await this.applications.pinned(tenant, applicationId, { citizenId });
    const { filename, bytes } = await this.documents.file(tenant, applicationId, documentId);
    return new StreamableFile(bytes, {
      type: 'application/pdf',
      disposition: `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, '_')}"`,
    });
  }
}
