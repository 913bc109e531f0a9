import { Controller, Get, Param, Query, Req, Res } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiProduces,
  ApiProperty,
  ApiPropertyOptional,
  ApiQuery,
  ApiResponse,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Documents, VerifyResult, VerifyStatus } from '@openrathaus/documents';
import type { Tenant } from '@openrathaus/tenancy';
import { I18n, intlLocale } from '@openrathaus/i18n';
import { ViewEngine } from '@openrathaus/web';
import { ApiErrors } from '../http/api-errors.decorator';
import { tenantOf } from '../http/request-state';
import { PageContext } from '../http/page-context.service';

class VerifyProofView {
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty() keyId: string;
  @ApiProperty({ description: 'SubjectPublicKeyInfo (DER), base64' }) publicKey: string;
  @ApiProperty({ description: 'Ed25519 signature over `payload`, base64url' }) signature: string;
  @ApiProperty({ description: 'The signed bytes: canonical JSON of what the document says' }) payload: string;
  @ApiProperty({ description: "SHA-256 of the PDF's bytes, hex" }) sha256: string;
}

class VerifyView {
  @ApiProperty({ enum: ['valid', 'expired', 'revoked', 'unknown', 'forged'] }) status: VerifyStatus;
  @ApiPropertyOptional({ example: 'gelsenkirchen.7K3M-9QXT-2BHD-4RW5' }) code?: string;
  @ApiPropertyOptional({ example: 'gelsenkirchen' }) tenantSlug?: string;
  @ApiPropertyOptional({ example: 'Stadt Gelsenkirchen' }) tenantName?: string;
  @ApiPropertyOptional({ example: 'Bewohnerparkausweis' }) title?: string;
  @ApiPropertyOptional() holder?: string;
  @ApiPropertyOptional({ example: 'GE-2026-000123' }) number?: string;
  @ApiPropertyOptional({ description: 'The text of the document as printed' }) content?: string;
  @ApiPropertyOptional({ example: 'de' }) language?: string;
  @ApiPropertyOptional({ format: 'date-time' }) issuedAt?: string;
  @ApiPropertyOptional({ format: 'date', nullable: true, type: String }) validUntil?: string | null;
  @ApiPropertyOptional({ format: 'date-time', nullable: true, type: String }) revokedAt?: string | null;
  @ApiPropertyOptional({
    description: "True when the application's data was deleted after its retention period: no holder, no text",
  })
  dataDeleted?: boolean;
  @ApiPropertyOptional({ format: 'date-time' }) dataDeletedAt?: string;
  @ApiPropertyOptional({
    description: "With dataDeleted: genuine, issued on …; the application's data has been deleted (de, en)",
    example: { de: 'Echt, ausgestellt am 01.06.2026 von Stadt Recklinghausen; die Daten des Antrags wurden gelöscht.' },
  })
  notice?: { de: string; en: string };
  @ApiPropertyOptional({ type: VerifyProofView }) proof?: VerifyProofView;
}

const TONES: Record<VerifyStatus, { tone: string; icon: string; key: string }> = {
  valid: { tone: 'success', icon: 'success', key: 'valid' },
  expired: { tone: 'warning', icon: 'warning', key: 'expired' },
  revoked: { tone: 'danger', icon: 'danger', key: 'revoked' },
  unknown: { tone: 'danger', icon: 'danger', key: 'invalid' },
  forged: { tone: 'danger', icon: 'danger', key: 'invalid' },
};

const dateText = (value: string, locale: string): string =>
  new Date(value).toLocaleDateString(intlLocale(locale), { timeZone: 'Europe/Berlin' });

/** Paragraphs (at blank lines) of lines: the template's line breaks as the document prints them. */
const paragraphs = (text: string): string[][] =>
  text
    .split(/\n\s*\n/)
    .map((p) => p.split('\n'))
    .filter((p) => p.some((line) => line.trim()));

/**
 * The public page that checks an issued document's verification code, on every tenant's host and
 * on localhost: the code names its tenant. The same answer as JSON with `?format=json` or
 * `Accept: application/json`. Answers are never cached: a revocation shows at once.
 */
@ApiTags('documents')
@ApiErrors(404)
@Controller('verify')
export class VerifyPageController {
  constructor(
    private readonly documents: Documents,
    private readonly views: ViewEngine,
    private readonly pages: PageContext,
    private readonly i18n: I18n,
  ) {}

  /** The form to type a code; a submitted form (`?code=`) goes on to the code's own address. */
  @Get()
  @ApiOperation({ summary: 'Form to enter a verification code (HTML)' })
  @ApiProduces('text/html')
  @ApiOkResponse({ description: 'the form', content: { 'text/html': { schema: { type: 'string' } } } })
  @ApiResponse({ status: 303, description: 'on to the code’s own address' })
  form(
    @Query('code') code: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): string | undefined {
    if (typeof code === 'string' && code.trim()) {
      void reply.code(303).header('location', `/verify/${encodeURIComponent(code.trim())}`);
      return undefined;
    }
    return this.page(request, reply, undefined);
  }

  @Get(':code')
  @ApiOperation({ summary: 'Whether a document is genuine, for whom, valid until when' })
  @ApiParam({ name: 'code', example: 'gelsenkirchen.7K3M-9QXT-2BHD-4RW5' })
  @ApiQuery({ name: 'format', required: false, enum: ['json'] })
  @ApiProduces('text/html', 'application/json')
  @ApiOkResponse({ type: VerifyView, description: 'Always 200; `status` tells the outcome' })
  async check(
    @Param('code') code: string,
    @Query('format') format: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<VerifyResult | string> {
    const result = await this.documents.verify(code);
    if (format === 'json' || this.wantsJson(request)) {
      void this.headers(reply).header('content-type', 'application/json; charset=utf-8');
      return result;
    }
    return this.page(request, reply, { result, code });
  }

  private wantsJson(request: FastifyRequest): boolean {
    const accept = request.headers.accept ?? '';
    return /application\/json/i.test(accept) && !/text\/html/i.test(accept);
  }

  private headers(reply: FastifyReply): FastifyReply {
    // The answer names a person: not for caches, search engines or the next site's Referer.
    return reply
      .header('cache-control', 'no-store')
      .header('x-robots-tag', 'noindex')
      .header('referrer-policy', 'no-referrer')
      .header('vary', 'Accept, Accept-Language, Cookie');
  }

  private page(
    request: FastifyRequest,
    reply: FastifyReply,
    checked: { result: VerifyResult; code: string } | undefined,
  ): string {
    const tenant: Tenant | undefined = tenantOf(request);
    const locale = this.pages.locale(request, reply, tenant);
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    const path = checked ? `/verify/${encodeURIComponent(checked.code)}` : '/verify';
    const title = t('documents.verify.title');
    const html = this.views.render(
      'verify',
      {
        ...this.pages.base(tenant, locale, path, title),
        // A code that named no document stays in the field, to be corrected; after a genuine one it is empty.
        code:
          checked && (checked.result.status === 'unknown' || checked.result.status === 'forged') ? checked.code : '',
        result: checked && this.resultView(checked.result, locale),
      },
      tenant && this.pages.overlay(tenant),
    );
    void this.headers(reply).header('content-type', 'text/html; charset=utf-8');
    return html;
  }

  private resultView(result: VerifyResult, locale: string) {
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    const { tone, icon, key } = TONES[result.status];
    const tenant = result.tenantName ?? '';
    const until = result.validUntil ? dateText(result.validUntil, locale) : undefined;
    const text =
      result.status === 'valid' && !until
        ? t('documents.verify.valid.textNoExpiry', { tenant })
        : result.status === 'revoked'
          ? t('documents.verify.revoked.text', { tenant, date: dateText(result.revokedAt ?? '', locale) })
          : t(`documents.verify.${key}.text`, { tenant, date: until ?? '' });
    const genuine = result.status === 'valid' || result.status === 'expired' || result.status === 'revoked';
    // The application's data is gone: the notice first, then what the status adds (expired, revoked).
    const deleted = genuine && result.dataDeleted;
    const notice = deleted
      ? [
          t('documents.verify.dataDeleted.notice', { tenant, date: dateText(result.issuedAt ?? '', locale) }),
          ...(result.status === 'valid' ? [] : [text]),
          t('documents.verify.dataDeleted.text'),
        ].join(' ')
      : text;
    return {
      status: result.status,
      tone,
      icon,
      heading: t(`documents.verify.${key}.heading`),
      text: notice,
      details: genuine
        ? [
            { label: t('documents.verify.issuer'), value: result.tenantName, lang: 'de' },
            { label: t('documents.verify.document'), value: result.title, lang: result.language },
            { label: t('documents.verify.number'), value: result.number },
            { label: t('documents.verify.holder'), value: result.holder },
            { label: t('documents.verify.issuedAt'), value: result.issuedAt && dateText(result.issuedAt, locale) },
            { label: t('documents.verify.validUntil'), value: until ?? t('documents.verify.noExpiry') },
            ...(result.revokedAt
              ? [{ label: t('documents.verify.revokedAt'), value: dateText(result.revokedAt, locale) }]
              : []),
            ...(deleted && result.dataDeletedAt
              ? [{ label: t('documents.verify.dataDeletedAt'), value: dateText(result.dataDeletedAt, locale) }]
              : []),
            { label: t('documents.verify.code'), value: result.code },
          ].filter((d) => d.value)
        : undefined,
      content: genuine && result.content ? paragraphs(result.content) : undefined,
      contentLang: result.language,
    };
  }
}
