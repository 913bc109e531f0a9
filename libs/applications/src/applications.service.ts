import { createHash } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { FILE_STORAGE, FieldFault, FileStorage, isUuid } from '@openrathaus/core';
import { ConsoleScope, Period, TenantScope, TenantTransactions } from '@openrathaus/database';
import { CatalogService, ProcessDefinition, ProcessDefinitionsRepository } from '@openrathaus/catalog';
import {
  FormFieldError,
  checkUpload,
  pathAfterRemoval,
  placeAttachments,
  resolveFilePath,
  slotHolder,
  validateAnswers,
} from '@openrathaus/forms';
import { LocalizedText, localized } from '@openrathaus/i18n';
import type { Tenant } from '@openrathaus/tenancy';
import { ApplicationEntity, ApplicationStatus, AttachmentEntity } from './application.entity';
import { formatNumber } from './application-number';
import { ApplicationLocation, ApplicationsRepository, ApplicationsUsage, Submission } from './applications.repository';

export type { Submission } from './applications.repository';
import { fileFields, itemIds, withoutNul } from './answers';
import { ApplicationsError, ApplicationsErrorCode } from './applications.error';

/** An application with the definition version it is bound to. */
export interface PinnedApplication {
  application: ApplicationEntity;
  definition: ProcessDefinition;
}

/** An application in a citizen's list, with what the list shows of its service. */
export interface ListedApplication {
  application: ApplicationEntity;
  title: LocalizedText;
  /** The form's first page, where a draft without a saved page continues. */
  firstPage: string;
}

/** Who asks: the citizen's account, or nobody in particular (the worker, a caseworker). */
export interface Owner {
  citizenId: string;
}

/** The outcome of saving answers: what was kept and what is still wrong. */
export interface SavedAnswers extends PinnedApplication {
  errors: FormFieldError[];
}

/** Attachments of one application, by field path, as the form validation wants them. */
export type AttachmentsByField = Record<string, { id: string; mediaType: string; size: number; filename: string }[]>;

const MAX_FILES_PER_FIELD = 10;
const MAX_ANSWERS_BYTES = 512 * 1024;

/** Attachment rows by the field (answer path) they are for, oldest first. */
function byField(rows: AttachmentEntity[]): AttachmentsByField {
  const grouped: AttachmentsByField = {};
  for (const row of rows) {
    (grouped[row.field] ??= []).push({ id: row.id, mediaType: row.mediaType, size: row.size, filename: row.filename });
  }
  return grouped;
}

/** Errors of validation as faults of a domain error; a rule's own message travels as its text. */
export function toFaults(errors: FormFieldError[], locale: string): FieldFault[] {
  return errors.map((e) => ({
    field: e.field,
    key: e.message ? localized(e.message, locale) : e.key,
    params: e.params,
  }));
}

/** Applications, their answers and attachments, and the definition version each keeps for life. */
/** An application as support sees it: no answers, no applicant. */
export interface ApplicationSupportSummary {
  id: string;
  number: string | null;
  serviceKey: string;
  definition: string;
  status: ApplicationStatus;
  office: string | null;
  createdAt: Date;
  submittedAt: Date | null;
  statusChangedAt: Date;
  anonymised: boolean;
}

@Injectable()
export class Applications {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly catalog: CatalogService,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    private readonly rows: ApplicationsRepository,
    private readonly definitions: ProcessDefinitionsRepository,
  ) {}

  /** Per tenant, the applications submitted and the bytes uploaded in a period: the operator's usage. */
  usage(period: Period): Promise<ApplicationsUsage[]> {
    return this.rows.usage(period);
  }

  /**
   * What support may see of an application, in its tenant's transaction: number, service,
   * status and dates, never the answers or who applied.
   */
  async supportSummary(scope: TenantScope, id: string): Promise<ApplicationSupportSummary | undefined> {
    const row = await this.rows.find(scope, id);
    if (!row) return undefined;
    return {
      id: row.id,
      number: row.number,
      serviceKey: row.serviceKey,
      definition: row.definitionRef,
      status: row.status,
      office: row.office,
      createdAt: row.createdAt,
      submittedAt: row.submittedAt,
      statusChangedAt: row.statusChangedAt,
      anonymised: row.anonymisedAt !== null,
    };
  }

  /** Where the applications with this number are, across tenants: the operator's support search. */
  locate(number: string): Promise<ApplicationLocation[]> {
    return this.rows.locate(number);
  }

  /** Applications submitted since `since`, by tenant id, in the operator console's transaction. */
  submittedSinceByTenant(scope: ConsoleScope, since: Date): Promise<Map<string, number>> {
    return this.rows.submittedSinceByTenant(scope, since);
  }

  /** Starts a draft of an online service with the version and parameters the tenant serves now. */
  async startDraft(
    tenant: Tenant,
    serviceKey: string,
    options: { citizenId?: string; locale?: string } = {},
  ): Promise<ApplicationEntity> {
    const service = await this.catalog.get(tenant, serviceKey);
    if (service.type !== 'online' || !service.definition) {
      throw new ApplicationsError(ApplicationsErrorCode.NotOnline, { key: serviceKey });
    }
    const { id, owner, key, version } = service.definition;
    return this.transactions.run(tenant.id, (scope) =>
      this.rows.add(scope, {
        serviceKey,
        definitionId: id,
        definitionRef: `${owner}/${key}@${version}`,
        status: 'draft',
        answers: {},
        parameters: service.parameters,
        citizenId: options.citizenId ?? null,
        locale: options.locale ?? 'de',
        stepIndex: 0,
      }),
    );
  }

  /** The application and the exact definition version it began with. */
  async pinned(tenant: Tenant, applicationId: string, owner?: Owner): Promise<PinnedApplication> {
    return this.transactions.run(tenant.id, (scope) => this.pinnedIn(scope, applicationId, owner));
  }

  /**
   * The same inside an open transaction; with `lock`, the row stays locked until it ends. An
   * application of another citizen is not found, exactly like one that does not exist.
   */
  async pinnedIn(scope: TenantScope, applicationId: string, owner?: Owner, lock = false): Promise<PinnedApplication> {
    if (!isUuid(applicationId)) {
      throw new ApplicationsError(ApplicationsErrorCode.NotFound, { id: String(applicationId).slice(0, 40) });
    }
    const application = await this.rows.find(scope, applicationId, lock);
    if (!application || (owner && application.citizenId !== owner.citizenId)) {
      throw new ApplicationsError(ApplicationsErrorCode.NotFound, { id: applicationId });
    }
    const definition = await this.definitions.document(scope, application.definitionId);
    if (!definition) throw new ApplicationsError(ApplicationsErrorCode.NotFound, { id: applicationId });
    return { application, definition };
  }

  /**
   * A citizen's applications on this tenant, newest first, each with its service's title and first
   * page (read once per definition version, in the same transaction).
   */
  listForCitizen(tenant: Tenant, citizenId: string, limit = 100): Promise<ListedApplication[]> {
    return this.transactions.run(tenant.id, async (scope) => {
      const applications = await this.rows.ofCitizen(scope, citizenId, limit);
      const ids = [...new Set(applications.map((a) => a.definitionId))];
      const byId = new Map((await this.definitions.summaries(scope, ids)).map((r) => [r.id, r]));
      return applications.map((application) => ({
        application,
        title: byId.get(application.definitionId)?.title ?? { de: application.serviceKey },
        firstPage: byId.get(application.definitionId)?.firstPage ?? '',
      }));
    });
  }

  /** The attachments of an application by field, in a transaction of their own. */
  attachmentsOf(tenant: Tenant, applicationId: string): Promise<AttachmentsByField> {
    return this.transactions.run(tenant.id, (scope) => this.attachments(scope, applicationId));
  }

  /** The attachments of an application by field. */
  async attachments(scope: TenantScope, applicationId: string): Promise<AttachmentsByField> {
    return byField(await this.rows.attachmentsOf(scope, applicationId));
  }

  /**
   * Merges answers into a draft and keeps them, also where they are still wrong (the citizen sees
   * what they typed, with the errors). Only answers to items of the form are kept; the errors
   * returned are those of the pages given, or of every page the answers touch.
   */
  async saveAnswers(
    tenant: Tenant,
    owner: Owner,
    applicationId: string,
    patch: unknown,
    options: {
      pageIds?: string[];
      lastPage?: string;
      today?: string;
      /** The entry of a repeated group the citizen removed (a form page's button): its files go with it. */
      removedEntry?: { path: string; index: number };
    } = {},
  ): Promise<SavedAnswers> {
    if (typeof patch !== 'object' || patch === null || Array.isArray(patch)) {
      throw new ApplicationsError(ApplicationsErrorCode.InvalidInput, {}, [{ field: 'answers', key: 'not_object' }]);
    }
    return this.transactions.run(tenant.id, async (scope) => {
      const pinned = await this.pinnedIn(scope, applicationId, owner, true);
      const { application, definition } = pinned;
      if (application.status !== 'draft') {
        throw new ApplicationsError(ApplicationsErrorCode.NotEditable, { status: application.status });
      }
      const topLevel = new Map(
        definition.form.pages.flatMap((page) => page.items.flatMap((item) => itemIds(item).map((id) => [id, page.id]))),
      );
      const files = fileFields(definition);
      const unknown = Object.keys(patch).filter((key) => !topLevel.has(key));
      if (unknown.length) {
        throw new ApplicationsError(
          ApplicationsErrorCode.UnknownField,
          {},
          unknown.slice(0, 20).map((field) => ({ field: field.slice(0, 100), key: 'unknown_field' })),
        );
      }
      const answers: Record<string, unknown> = { ...application.answers };
      for (const [key, value] of Object.entries(withoutNul(patch) as Record<string, unknown>)) {
        // Files are answered by uploading, never by naming ids.
        if (files.has(key)) continue;
        if (value === null || value === undefined) delete answers[key];
        else answers[key] = value;
      }
      if (Buffer.byteLength(JSON.stringify(answers)) > MAX_ANSWERS_BYTES) {
        throw new ApplicationsError(ApplicationsErrorCode.InvalidInput, {}, [{ field: 'answers', key: 'too_long' }]);
      }
      const { placed, attachments } = await this.settleFiles(scope, pinned, answers, {
        touched: new Set(Object.keys(patch)),
        removed: options.removedEntry,
      });
      const touched = [...new Set(Object.keys(patch).map((key) => topLevel.get(key)!))];
      const pageIds = options.pageIds ?? touched;
      const { errors } = validateAnswers(definition.form, placed, {
        params: application.parameters,
        pageIds,
        attachments,
        today: options.today,
      });
      await this.rows.saveAnswers(scope, applicationId, placed, options.lastPage ?? null);
      application.answers = placed;
      if (options.lastPage) application.lastPage = options.lastPage;
      return { application, definition, errors };
    });
  }

  /**
   * Files of entries that are no more, and the answers with every file answer as the attachments
   * say: with `removed`, the files of that entry are deleted and those of later entries move up
   * with theirs; then files of a repeated group the patch answered (`touched`) whose entry no
   * longer exists are deleted (their bytes once the transaction commits).
   */
  private async settleFiles(
    scope: TenantScope,
    { definition, application }: PinnedApplication,
    answers: Record<string, unknown>,
    options: { touched: ReadonlySet<string>; removed?: { path: string; index: number } },
  ): Promise<{ placed: Record<string, unknown>; attachments: AttachmentsByField }> {
    const kept: AttachmentEntity[] = [];
    const gone: AttachmentEntity[] = [];
    for (const row of await this.rows.attachmentsOf(scope, application.id)) {
      const moved = options.removed ? pathAfterRemoval(row.field, options.removed) : undefined;
      if (moved === null) gone.push(row);
      else if (moved !== undefined) {
        await this.rows.moveAttachment(scope, row.id, moved);
        kept.push({ ...row, field: moved });
      } else kept.push(row);
    }
    const current = kept.filter((row) => {
      if (!options.touched.has(row.field.split('.')[0])) return true;
      const slot = resolveFilePath(definition.form, row.field);
      if (!slot || slot.entries.length === 0 || slotHolder(answers, slot)) return true;
      gone.push(row);
      return false;
    });
    for (const row of gone) await this.rows.deleteAttachment(scope, row.id);
    scope.afterCommit(() => {
      for (const row of gone) void this.storage.delete(row.storageKey).catch(() => undefined);
    });
    const attachments = byField(current);
    return { placed: placeAttachments(definition.form, answers, attachments), attachments };
  }

  /** Writes the answers with every file answer as the application's attachments say. */
  private async placeFiles(scope: TenantScope, { definition, application }: PinnedApplication): Promise<void> {
    const attachments = byField(await this.rows.attachmentsOf(scope, application.id));
    const placed = placeAttachments(definition.form, application.answers, attachments);
    await this.rows.saveAnswers(scope, application.id, placed, null);
    application.answers = placed;
  }

  /**
   * Keeps an uploaded file for a file field of a draft, once its content proves to be of a type
   * the field accepts; the field's answer lists the attachment. The field is the answer's path:
   * `nachweis`, or `personen.1.aufenthaltstitel` for a field in a repeated group (any index below
   * the group's largest number of entries, also of an entry not yet answered: the file counts
   * once it is).
   */
  async addAttachment(
    tenant: Tenant,
    owner: Owner,
    applicationId: string,
    field: unknown,
    file: { bytes: Buffer; filename: string },
  ): Promise<AttachmentEntity> {
    return this.transactions.run(tenant.id, async (scope) => {
      const pinned = await this.pinnedIn(scope, applicationId, owner, true);
      const { application, definition } = pinned;
      if (application.status !== 'draft') {
        throw new ApplicationsError(ApplicationsErrorCode.NotEditable, { status: application.status });
      }
      const slot = resolveFilePath(definition.form, field);
      if (!slot) {
        throw new ApplicationsError(ApplicationsErrorCode.UnknownField, {}, [{ field: 'field', key: 'unknown_field' }]);
      }
      const definitionField = slot.field;
      const fieldId = slot.path;
      const checked = checkUpload(definitionField, { ...file, path: fieldId });
      if ('errors' in checked) {
        throw new ApplicationsError(
          ApplicationsErrorCode.InvalidUpload,
          {},
          checked.errors.map((e) => ({ field: fieldId, key: e.key, params: e.params })),
        );
      }
      const existing = await this.rows.attachmentsOf(scope, applicationId, fieldId);
      // A field for one file takes the new file in place of the old.
      const replaced = definitionField.repeat ? [] : existing;
      for (const old of replaced) await this.rows.deleteAttachment(scope, old.id);
      const limit = Math.min(definitionField.repeat?.max ?? MAX_FILES_PER_FIELD, MAX_FILES_PER_FIELD);
      if (existing.length - replaced.length >= limit) {
        throw new ApplicationsError(ApplicationsErrorCode.TooManyFiles, {}, [
          { field: fieldId, key: 'max_items', params: { max: limit } },
        ]);
      }
      const id = crypto.randomUUID();
      const storageKey = `${tenant.id}/attachments/${id}`;
      await this.storage.put(storageKey, file.bytes);
      const attachment = await this.rows.addAttachment(scope, {
        id,
        applicationId,
        field: fieldId,
        filename: checked.filename,
        mediaType: checked.mediaType,
        size: file.bytes.length,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        storageKey,
      });
      await this.placeFiles(scope, pinned);
      scope.afterCommit(() => {
        for (const old of replaced) void this.storage.delete(old.storageKey).catch(() => undefined);
      });
      return attachment;
    });
  }

  /** Removes an attachment of a draft. */
  async removeAttachment(tenant: Tenant, owner: Owner, applicationId: string, attachmentId: string): Promise<void> {
    const storageKey = await this.transactions.run(tenant.id, async (scope) => {
      const pinned = await this.pinnedIn(scope, applicationId, owner, true);
      if (pinned.application.status !== 'draft') {
        throw new ApplicationsError(ApplicationsErrorCode.NotEditable, { status: pinned.application.status });
      }
      const attachment = isUuid(attachmentId) ? await this.rows.attachment(scope, applicationId, attachmentId) : null;
      if (!attachment) throw new ApplicationsError(ApplicationsErrorCode.NotFound, { id: attachmentId });
      await this.rows.deleteAttachment(scope, attachment.id);
      await this.placeFiles(scope, pinned);
      return attachment.storageKey;
    });
    await this.storage.delete(storageKey);
  }

  /** Whether the application is there for the scope's tenant; another tenant's is not. */
  exists(scope: TenantScope, applicationId: string): Promise<boolean> {
    return isUuid(applicationId) ? this.rows.exists(scope, applicationId) : Promise.resolve(false);
  }

  /** Keeps what a submission settles (checked answers, number, fee), in the caller's transaction. */
  recordSubmission(scope: TenantScope, applicationId: string, submission: Submission): Promise<void> {
    return this.rows.recordSubmission(scope, applicationId, submission);
  }

  /** Moves the status from `from` to `to`; false when it is no longer `from` (another run moved it). */
  moveStatus(
    scope: TenantScope,
    applicationId: string,
    from: ApplicationStatus,
    to: ApplicationStatus,
  ): Promise<boolean> {
    return this.rows.moveStatus(scope, applicationId, from, to);
  }

  /** Moves the application past its current workflow step. */
  advanceStep(scope: TenantScope, applicationId: string): Promise<void> {
    return this.rows.advanceStep(scope, applicationId);
  }

  /** Notes when the application went through its last step. */
  markCompleted(scope: TenantScope, applicationId: string): Promise<void> {
    return this.rows.markCompleted(scope, applicationId);
  }

  /**
   * The next number of the tenant for the year, inside the caller's transaction: the counter row
   * stays locked until it commits, so numbers have no gaps and no duplicates.
   */
  async nextNumber(scope: TenantScope, prefix: string, year: number): Promise<string> {
    return formatNumber(prefix, year, await this.rows.nextCounter(scope, year));
  }

  /**
   * Applications of the scope's tenant in `status` since before `changedBefore` (a request for
   * information long unanswered), longest waiting first: `id`, `status` and `statusChangedAt`
   * only; each is read again, locked, before anything is done with it.
   */
  inStatusSince(
    scope: TenantScope,
    status: ApplicationStatus,
    changedBefore: Date,
    limit = 100,
  ): Promise<Pick<ApplicationEntity, 'id' | 'status' | 'statusChangedAt'>[]> {
    return this.rows.inStatusSince(scope, status, changedBefore, limit);
  }

  /**
   * For the retention sweep: the definition versions of the scope's tenant that have closed
   * applications (completed, rejected, withdrawn) not yet anonymised.
   */
  closedDefinitionIds(scope: TenantScope): Promise<string[]> {
    return this.rows.closedDefinitionIds(scope);
  }

  /**
   * For the retention sweep: ids of closed applications of one definition version whose final
   * status lies before `before`, oldest first, at most `limit`. Each is locked and checked again
   * ({@link lockDue}) before it is forgotten.
   */
  closedBefore(scope: TenantScope, definitionId: string, before: Date, limit = 200): Promise<string[]> {
    return this.rows.closedBefore(scope, definitionId, before, limit);
  }

  /**
   * Locks the application when it is still due for retention (closed, not anonymised, final since
   * before `before`); false when another run has dealt with it meanwhile.
   */
  lockDue(scope: TenantScope, applicationId: string, before: Date): Promise<boolean> {
    return isUuid(applicationId) ? this.rows.lockClosedBefore(scope, applicationId, before) : Promise.resolve(false);
  }

  /**
   * Retention `delete`: removes the application with its answers, attachments (files first, so
   * that no file outlives its row; a rolled-back run leaves rows the next one removes), search
   * terms, payments, mailbox messages, workflow effects and notes that reference it (the database
   * cascades). Issued documents stay, without the link. Returns how many files went.
   */
  async forget(scope: TenantScope, applicationId: string): Promise<number> {
    const files = await this.removeFiles(scope, applicationId);
    await this.rows.remove(scope, applicationId);
    return files;
  }

  /**
   * Retention `anonymise`: keeps the row for the statistics (service, office, dates, status, fee,
   * number) and removes answers, applicant name and address, the citizen's link, search terms and
   * attachments with their files. Returns how many files went.
   */
  async anonymise(scope: TenantScope, applicationId: string): Promise<number> {
    const files = await this.removeFiles(scope, applicationId);
    await this.rows.anonymise(scope, applicationId);
    return files;
  }

  private async removeFiles(scope: TenantScope, applicationId: string): Promise<number> {
    const attachments = await this.rows.attachmentsOf(scope, applicationId);
    for (const attachment of attachments) await this.storage.delete(attachment.storageKey);
    await this.rows.deleteAttachmentsOf(scope, applicationId);
    return attachments.length;
  }

  /**
   * Keeps a file the citizen sends with a reply to a request for information, under the field
   * {@link REPLY_FIELD} (never replacing what was submitted): only while the application
   * `needs_info`, a PDF or picture of at most 10 MB, at most {@link REPLY_FIELD_FILES} per application.
   */
  async addReplyAttachment(
    tenant: Tenant,
    owner: Owner,
    applicationId: string,
    file: { bytes: Buffer; filename: string },
  ): Promise<AttachmentEntity> {
    return this.transactions.run(tenant.id, async (scope) => {
      const { application } = await this.pinnedIn(scope, applicationId, owner, true);
      if (application.status !== 'needs_info') {
        throw new ApplicationsError(ApplicationsErrorCode.NotEditable, { status: application.status });
      }
      const checked = checkUpload(REPLY_FIELD_DEFINITION, file);
      if ('errors' in checked) {
        throw new ApplicationsError(
          ApplicationsErrorCode.InvalidUpload,
          {},
          checked.errors.map((e) => ({ field: REPLY_FIELD, key: e.key, params: e.params })),
        );
      }
      const existing = await this.rows.attachmentsOf(scope, applicationId, REPLY_FIELD);
      if (existing.length >= REPLY_FIELD_FILES) {
        throw new ApplicationsError(ApplicationsErrorCode.TooManyFiles, {}, [
          { field: REPLY_FIELD, key: 'max_items', params: { max: REPLY_FIELD_FILES } },
        ]);
      }
      const id = crypto.randomUUID();
      const storageKey = `${tenant.id}/attachments/${id}`;
      await this.storage.put(storageKey, file.bytes);
      return this.rows.addAttachment(scope, {
        id,
        applicationId,
        field: REPLY_FIELD,
        filename: checked.filename,
        mediaType: checked.mediaType,
        size: file.bytes.length,
        sha256: createHash('sha256').update(file.bytes).digest('hex'),
        storageKey,
      });
    });
  }
}

/** The field of files sent later, with a reply to a request for information (Nachreichung). */
export const REPLY_FIELD = 'nachreichung';
export const REPLY_FIELD_FILES = 10;

const REPLY_FIELD_DEFINITION: Parameters<typeof checkUpload>[0] = {
  id: REPLY_FIELD,
  type: 'file',
  label: { de: 'Nachgereichte Unterlagen', en: 'Documents sent later' },
  constraints: { mediaTypes: ['application/pdf', 'image/jpeg', 'image/png'], maxSize: 10 * 1024 * 1024 },
};
