import { createHash, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Optional } from '@nestjs/common';
import { ProcessDefinition, TextTemplates } from '@openrathaus/catalog';
import { APP_CONFIG, AppConfig, Clock, FILE_STORAGE, FileStorage, isUuid, systemClock } from '@openrathaus/core';
import { Period, TenantScope, TenantTransactions } from '@openrathaus/database';
import { Rules } from '@openrathaus/forms';
import { I18n, intlLocale, isolateLtr, localized, shownLocale } from '@openrathaus/i18n';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { DocumentEntity } from './document.entity';
import { PdfLogo, renderDocumentPdf } from './document-pdf';
import {
  ForgottenFields,
  SignedFields,
  canonicalPayload,
  forgottenPayload,
  signPayload,
  verifyPayload,
} from './document-signature';
import { DocumentsError, DocumentsErrorCode } from './documents.error';
import { DocumentsRepository, NewDocument } from './documents.repository';
import { SigningKeys } from './signing-keys.service';
import { isExpired, validUntil as computeValidUntil } from './validity';
import { newVerifyCode, parseVerifyCode } from './verify-code';

/** Injection token of the clock that dates documents (tests set one in the past). */
export const DOCUMENTS_CLOCK = Symbol('DOCUMENTS_CLOCK');

/** What a document is issued from: the application as the workflow knows it and its definition version. */
export interface IssueDocumentInput {
  application: {
    id: string;
    /** As printed, e.g. `RE-2026-000123`. */
    number: string;
    answers: Record<string, unknown>;
    /** The tenant's parameters as texts see them (money in cents, offices as objects). */
    parameters: Record<string, unknown>;
    submittedAt?: Date | string | null;
  };
  /** The exact definition version the application was made with. */
  definition: ProcessDefinition;
  /** A key of `definition.documents`. */
  templateKey: string;
  /** Whom the document is for, as printed and shown to verifiers (usually the applicant's name). */
  holder: string;
  locale: string;
  /** The fee paid in cents, for templates that print it. */
  fee?: number;
}

/** An issued document as the application's pages and the workflow see it. */
export interface IssuedDocument {
  id: string;
  template: string;
  title: string;
  filename: string;
  /** `YYYY-MM-DD`, the last day of validity; null: no expiry. */
  validUntil: string | null;
  verifyCode: string;
  issuedAt: Date;
  revokedAt: Date | null;
}

export type VerifyStatus = 'valid' | 'expired' | 'revoked' | 'unknown' | 'forged';

/**
 * The public answer about a verification code. For `unknown` (no such document, or a mistyped
 * code) and `forged` (the record fails its signature) nothing but the status: there is nothing
 * trustworthy to show.
 */
export interface VerifyResult {
  status: VerifyStatus;
  /** The code as written canonically, when it was well-formed. */
  code?: string;
  tenantSlug?: string;
  tenantName?: string;
  title?: string;
  /** In full: whoever checks the document compares it with the person or vehicle in front of them. */
  holder?: string;
  number?: string;
  /** The document's text as printed (plate, zone, ...), to compare with the paper. */
  content?: string;
  /** The language the document is written in. */
  language?: string;
  issuedAt?: string;
  validUntil?: string | null;
  revokedAt?: string | null;
  /**
   * True when retention removed the application's data: the document is still answered for
   * (genuine, issued on …), without holder and text; the proof is then the second signature.
   */
  dataDeleted?: boolean;
  /** When the application's data was removed. */
  dataDeletedAt?: string;
  /** With `dataDeleted`: "genuine, issued on …; the application's data has been deleted", in German and English. */
  notice?: { de: string; en: string };
  /** What lets anyone check the signature on their own (see docs/documents.md). */
  proof?: {
    algorithm: 'Ed25519';
    keyId: string;
    publicKey: string;
    signature: string;
    payload: string;
    sha256: string;
  };
}

const summary = (d: DocumentEntity): IssuedDocument => ({
  id: d.id,
  template: d.template,
  title: d.title,
  filename: d.filename,
  validUntil: d.validUntil,
  verifyCode: d.verifyCode,
  issuedAt: d.issuedAt,
  revokedAt: d.revokedAt,
});

type DocumentTemplate = NonNullable<ProcessDefinition['documents']>[string];

/** A document composed, before its PDF is made and sealed. */
type ComposedDocument = Omit<NewDocument, 'sha256' | 'keyId' | 'signature'>;

/** A composed document with the hash of its PDF and its signature: the row to add. */
type SealedDocument = NewDocument;

const signedFields = (d: DocumentEntity, tenantId: string): SignedFields => ({
  tenantId,
  documentId: d.id,
  // Signed with the application; only a forgotten document (checked by its second signature) lacks it.
  applicationId: d.applicationId ?? '',
  template: d.template,
  verifyCode: d.verifyCode,
  keyId: d.keyId,
  title: d.title,
  holder: d.holder,
  number: d.number,
  content: d.content,
  issuedAt: new Date(d.issuedAt).toISOString(),
  validUntil: d.validUntil,
  sha256: d.sha256,
});

const forgottenFields = (d: DocumentEntity, tenantId: string, forgottenAt: Date): ForgottenFields => ({
  tenantId,
  documentId: d.id,
  template: d.template,
  verifyCode: d.verifyCode,
  title: d.title,
  number: d.number,
  issuedAt: new Date(d.issuedAt).toISOString(),
  validUntil: d.validUntil,
  sha256: d.sha256,
  keyId: d.keyId,
  signature: d.signature,
  forgottenAt: new Date(forgottenAt).toISOString(),
});

const safeName = (text: string): string =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(0, 80);

/** A date of the document, left to right inside Arabic (its own direction marks dropped). */
const dateText = (date: Date | string, locale: string): string =>
  isolateLtr(
    new Date(date)
      .toLocaleDateString(intlLocale(locale), { timeZone: 'Europe/Berlin' })
      .replace(/[\u200e\u200f\u061c]/g, ''),
    locale,
  );

/**
 * Issues documents (PDF with a QR code of their verification URL), keeps them, hands them out and
 * answers the public question whether a code belongs to a genuine, valid document.
 */
@Injectable()
export class Documents {
  private readonly texts = new TextTemplates();

  constructor(
    private readonly transactions: TenantTransactions,
    private readonly documents: DocumentsRepository,
    private readonly registry: TenantRegistry,
    private readonly keys: SigningKeys,
    private readonly i18n: I18n,
    private readonly rules: Rules,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() @Inject(DOCUMENTS_CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  /**
   * Issues the document of one template for an application, once: a second call (a repeated job)
   * returns the document the first made. Composes what it says, renders the PDF, seals both with
   * the tenant's signature and stores file and record.
   */
  /** Per tenant, the documents issued in a period: the operator's usage. */
  usage(period: Period): Promise<{ tenantId: string; documents: number }[]> {
    return this.documents.usage(period);
  }

  async issue(tenant: Tenant, input: IssueDocumentInput): Promise<IssuedDocument> {
    const { application, definition, templateKey } = input;
    const template = definition.documents?.[templateKey];
    if (!template) throw new DocumentsError(DocumentsErrorCode.UnknownTemplate, { template: templateKey });
    if (!isUuid(application.id))
      throw new DocumentsError(DocumentsErrorCode.NotFound, { applicationId: application.id });
    const existing = await this.find(tenant, application.id, templateKey);
    if (existing) return summary(existing);

    const composed = this.compose(tenant, input, template);
    const bytes = await this.render(tenant, composed);
    const sealed = await this.seal(tenant, composed, bytes);
    return this.store(tenant, sealed, bytes);
  }

  /** What the document says: its text from the template, holder, validity, codes, in the language shown. */
  private compose(tenant: Tenant, input: IssueDocumentInput, template: DocumentTemplate): ComposedDocument {
    const { application, definition, templateKey } = input;
    const issuedAt = this.clock.now();
    const params = application.parameters ?? {};
    const answers = application.answers ?? {};
    const validUntil = computeValidUntil(this.rules, template.validFor, { answers, params }, issuedAt);
    const id = randomUUID();
    const tenantName = tenant.config.name ?? tenant.name;
    let content: string;
    try {
      content = this.texts
        .render(template.body, input.locale, {
          answers,
          params,
          tenant: { name: tenantName, slug: tenant.slug },
          application: { id: application.id, number: application.number, submittedAt: application.submittedAt },
          validUntil,
          fee: input.fee,
        })
        .trim();
    } catch {
      throw new DocumentsError(DocumentsErrorCode.TemplateFailed, { template: templateKey });
    }
    return {
      id,
      applicationId: application.id,
      template: templateKey,
      title: localized(template.title, input.locale).trim() || templateKey,
      filename: `${safeName(definition.key || templateKey) || 'dokument'}-${safeName(application.number) || id.slice(0, 8)}.pdf`,
      storageKey: `${tenant.id}/documents/${id}.pdf`,
      verifyCode: newVerifyCode(tenant.slug),
      holder: input.holder.replace(/\s+/g, ' ').trim(),
      number: application.number,
      content,
      // Labels and dates in the language the body is shown in (German when the template lacks the one asked).
      locale: shownLocale(template.body, input.locale),
      issuedAt,
      validUntil,
    };
  }

  /** The PDF of a composed document, with the QR code of its verification address. */
  private async render(tenant: Tenant, doc: ComposedDocument): Promise<Uint8Array> {
    const language = doc.locale;
    // The QR code leads to the tenant's own address, never to one a request named.
    const baseUrl = this.registry.portalUrl(tenant).replace(/\/+$/, '');
    const t = (key: string, params: Record<string, unknown> = {}) => this.i18n.t(language, key, params);
    return renderDocumentPdf({
      language,
      tenantName: tenant.config.name ?? tenant.name,
      primaryColor: tenant.config.branding?.primaryColor,
      logo: await this.logo(tenant),
      title: doc.title,
      content: doc.content,
      holder: doc.holder,
      number: doc.number,
      issuedAt: doc.issuedAt,
      issuedAtText: dateText(doc.issuedAt, language),
      validUntilText: doc.validUntil ? dateText(doc.validUntil, language) : t('documents.pdf.noExpiry'),
      verifyUrl: `${baseUrl}/verify/${doc.verifyCode}`,
      verifyCode: doc.verifyCode,
      labels: {
        number: t('documents.pdf.number'),
        holder: t('documents.pdf.holder'),
        issuedAt: t('documents.pdf.issuedAt'),
        validUntil: t('documents.pdf.validUntil'),
        verifyHint: t('documents.pdf.verifyHint', { url: `${baseUrl}/verify`, code: doc.verifyCode }),
        page: t('documents.pdf.page'),
      },
    });
  }

  /** Signs what the document says together with the PDF's hash, with the tenant's current key. */
  private async seal(tenant: Tenant, doc: ComposedDocument, bytes: Uint8Array): Promise<SealedDocument> {
    const signer = await this.keys.signer(tenant.id);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const unsigned = { ...doc, sha256, keyId: signer.keyId };
    const signature = signPayload(
      signer.privateKey,
      canonicalPayload(signedFields({ ...unsigned, signature: '', revokedAt: null } as DocumentEntity, tenant.id)),
    );
    return { ...unsigned, signature };
  }

  /** Keeps file and record; when another worker stored the same document first, theirs stands. */
  private async store(tenant: Tenant, doc: SealedDocument, bytes: Uint8Array): Promise<IssuedDocument> {
    // The file first: a row never names a file that is not there.
    await this.storage.put(doc.storageKey, Buffer.from(bytes));
    const inserted = await this.transactions.run(tenant.id, (scope) => this.documents.addOnce(scope, doc));
    if (inserted) return summary({ ...doc, revokedAt: null } as DocumentEntity);
    // Another worker issued it at the same moment: theirs stands, ours goes.
    await this.storage.delete(doc.storageKey);
    const theirs = await this.find(tenant, doc.applicationId, doc.template);
    if (!theirs) throw new DocumentsError(DocumentsErrorCode.NotFound, { applicationId: doc.applicationId });
    return summary(theirs);
  }

  /** The documents issued for an application, oldest first. */
  async list(tenant: Tenant, applicationId: string): Promise<IssuedDocument[]> {
    if (!isUuid(applicationId)) return [];
    const rows = await this.transactions.run(tenant.id, (scope) => this.documents.ofApplication(scope, applicationId));
    return rows.map(summary);
  }

  /**
   * The application's documents as e-mail attachments (files in the storage, below the tenant's
   * folder); revoked ones are left out. The shape of messaging's `MailAttachment`.
   */
  async attachments(
    tenant: Tenant,
    applicationId: string,
  ): Promise<{ storageKey: string; filename: string; contentType: string }[]> {
    if (!isUuid(applicationId)) return [];
    const rows = await this.transactions.run(tenant.id, (scope) => this.documents.ofApplication(scope, applicationId));
    return rows.flatMap((d) =>
      !d.revokedAt && d.storageKey
        ? [{ storageKey: d.storageKey, filename: d.filename, contentType: 'application/pdf' }]
        : [],
    );
  }

  /** The PDF of a document of the application; not found when the document belongs to another. */
  async file(tenant: Tenant, applicationId: string, documentId: string): Promise<{ filename: string; bytes: Buffer }> {
    const doc =
      isUuid(applicationId) && isUuid(documentId)
        ? await this.transactions.run(tenant.id, (scope) =>
            this.documents.ofApplicationById(scope, applicationId, documentId),
          )
        : null;
    if (!doc) throw new DocumentsError(DocumentsErrorCode.NotFound, { documentId });
    const bytes = doc.storageKey ? await this.storage.get(doc.storageKey) : undefined;
    if (!bytes) throw new DocumentsError(DocumentsErrorCode.FileMissing, { documentId });
    return { filename: doc.filename, bytes };
  }

  /**
   * Retention: the application's documents lose what they say about their holder (holder, text)
   * and their PDF, and keep code, hash, first signature and dates, sealed by a second signature
   * over what stays, so `/verify` still tells a genuine document (and that its application's data
   * was deleted). In the caller's transaction; the files go first (a rolled-back run leaves rows
   * the next one completes). A document forgotten before is left as it is. Returns how many were forgotten.
   */
  async forget(scope: TenantScope, applicationId: string): Promise<number> {
    if (!isUuid(applicationId)) return 0;
    const due = (await this.documents.ofApplication(scope, applicationId)).filter((d) => !d.forgottenAt);
    if (!due.length) return 0;
    const signer = await this.keys.signerIn(scope);
    const at = this.clock.now();
    let forgotten = 0;
    for (const doc of due) {
      if (doc.storageKey) await this.storage.delete(doc.storageKey);
      const signature = signPayload(signer.privateKey, forgottenPayload(forgottenFields(doc, scope.tenantId, at)));
      if (await this.documents.forget(scope, doc.id, { at, keyId: signer.keyId, signature })) forgotten++;
    }
    return forgotten;
  }

  /** Revokes a document: verifiers see it as revoked from now on. Revoking twice keeps the first date. */
  async revoke(tenant: Tenant, documentId: string): Promise<IssuedDocument> {
    if (!isUuid(documentId)) throw new DocumentsError(DocumentsErrorCode.NotFound, { documentId });
    return this.transactions.run(tenant.id, async (scope) => {
      await this.documents.revoke(scope, documentId);
      const doc = await this.documents.byId(scope, documentId);
      if (!doc) throw new DocumentsError(DocumentsErrorCode.NotFound, { documentId });
      return summary(doc);
    });
  }

  /**
   * Whether a code belongs to a genuine document, and what it says. Needs no session: the code
   * names its tenant, and the lookup runs in that tenant's scope. Anything malformed, mistyped or
   * unknown is `unknown`; a record that fails its signature is `forged`. Never throws for input.
   */
  async verify(input: unknown): Promise<VerifyResult> {
    const parsed = parseVerifyCode(input);
    if (!parsed) return { status: 'unknown' };
    const tenant = this.registry.get(parsed.slug);
    if (!tenant) return { status: 'unknown', code: parsed.code };
    return this.transactions.run(tenant.id, async (scope) => {
      const doc = await this.documents.byVerifyCode(scope, parsed.code);
      if (!doc) return { status: 'unknown', code: parsed.code };
      if (doc.forgottenAt) return this.verifyForgotten(scope, tenant, doc);
      const key = await this.keys.find(scope, doc.keyId);
      const payload = canonicalPayload(signedFields(doc, tenant.id));
      if (!key || !verifyPayload(key.publicKey, payload, doc.signature)) return { status: 'forged', code: parsed.code };
      const status = this.statusOf(doc);
      return {
        status,
        code: doc.verifyCode,
        tenantSlug: tenant.slug,
        tenantName: tenant.config.name ?? tenant.name,
        title: doc.title,
        holder: doc.holder,
        number: doc.number,
        content: doc.content,
        language: doc.locale,
        issuedAt: new Date(doc.issuedAt).toISOString(),
        validUntil: doc.validUntil,
        revokedAt: doc.revokedAt ? new Date(doc.revokedAt).toISOString() : null,
        proof: {
          algorithm: 'Ed25519',
          keyId: key.id,
          publicKey: key.publicKey,
          signature: doc.signature,
          payload,
          sha256: doc.sha256,
        },
      };
    });
  }

  /**
   * The answer for a document whose application's data retention removed: genuine (or expired,
   * or revoked) when the second signature holds, with the dates and no holder or text.
   */
  private async verifyForgotten(scope: TenantScope, tenant: Tenant, doc: DocumentEntity): Promise<VerifyResult> {
    const forgottenAt = doc.forgottenAt as Date;
    const key = doc.forgottenKeyId ? await this.keys.find(scope, doc.forgottenKeyId) : null;
    const payload = forgottenPayload(forgottenFields(doc, tenant.id, forgottenAt));
    if (!key || !doc.forgottenSignature || !verifyPayload(key.publicKey, payload, doc.forgottenSignature)) {
      return { status: 'forged', code: doc.verifyCode };
    }
    return {
      status: this.statusOf(doc),
      code: doc.verifyCode,
      tenantSlug: tenant.slug,
      tenantName: tenant.config.name ?? tenant.name,
      title: doc.title,
      number: doc.number,
      language: doc.locale,
      issuedAt: new Date(doc.issuedAt).toISOString(),
      validUntil: doc.validUntil,
      revokedAt: doc.revokedAt ? new Date(doc.revokedAt).toISOString() : null,
      dataDeleted: true,
      dataDeletedAt: new Date(forgottenAt).toISOString(),
      notice: {
        de: this.deletedNotice('de', tenant, doc.issuedAt),
        en: this.deletedNotice('en', tenant, doc.issuedAt),
      },
      proof: {
        algorithm: 'Ed25519',
        keyId: key.id,
        publicKey: key.publicKey,
        signature: doc.forgottenSignature,
        payload,
        sha256: doc.sha256,
      },
    };
  }

  private deletedNotice(locale: 'de' | 'en', tenant: Tenant, issuedAt: Date): string {
    return this.i18n.t(locale, 'documents.verify.dataDeleted.notice', {
      date: dateText(issuedAt, locale),
      tenant: tenant.config.name ?? tenant.name,
    });
  }

  private statusOf(doc: DocumentEntity): VerifyStatus {
    return doc.revokedAt ? 'revoked' : isExpired(doc.validUntil, this.clock.now()) ? 'expired' : 'valid';
  }

  private find(tenant: Tenant, applicationId: string, template: string): Promise<DocumentEntity | null> {
    return this.transactions.run(tenant.id, (scope) => this.documents.ofTemplate(scope, applicationId, template));
  }

  /** The tenant's logo or coat of arms when it is a PNG or JPEG (pdf-lib cannot draw SVG). */
  private async logo(tenant: Tenant): Promise<PdfLogo | undefined> {
    const branding = tenant.config.branding;
    for (const path of [branding?.logo, branding?.coatOfArms]) {
      const type = /\.png$/i.test(path ?? '') ? 'png' : /\.jpe?g$/i.test(path ?? '') ? 'jpg' : undefined;
      if (!path || !type || !/^assets\/[A-Za-z0-9._-]+$/.test(path)) continue;
      const bytes = await readFile(join(this.config.tenantsDir, tenant.slug, path)).catch(() => undefined);
      if (bytes) return { bytes, type };
    }
    return undefined;
  }
}
