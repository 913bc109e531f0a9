import { Inject, Injectable } from '@nestjs/common';
import { FILE_STORAGE, FileStorage, isUuid } from '@openrathaus/core';
import { TenantScope } from '@openrathaus/database';
import { ApplicationsRepository } from './applications.repository';
import type { ApplicationStatus } from './application.entity';
import { CaseworkRepository, DecisionTimes, InboxQuery, InboxRow, MonthlyFigures } from './casework.repository';

export type { DecisionTimes, InboxQuery, InboxRow, MonthlyFigures } from './casework.repository';

/**
 * The applications as the back office works with them: the inbox, the counts per status, who has
 * an application and which office, the monthly figures. Each call runs in the caller's
 * transaction (`TenantScope`), so the back office's reads and its audit entries commit together.
 */
@Injectable()
export class Casework {
  constructor(
    private readonly rows: CaseworkRepository,
    private readonly applications: ApplicationsRepository,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
  ) {}

  /** The uploaded files of an application, in the order they came, with their ids. */
  async files(
    scope: TenantScope,
    applicationId: string,
  ): Promise<{ id: string; field: string; filename: string; mediaType: string; size: number; createdAt: Date }[]> {
    return (await this.applications.attachmentsOf(scope, applicationId)).map(
      ({ id, field, filename, mediaType, size, createdAt }) => ({ id, field, filename, mediaType, size, createdAt }),
    );
  }

  /** The numbers of applications by id, for lists that name them. */
  numbers(scope: TenantScope, ids: readonly string[]): Promise<Map<string, string>> {
    return this.rows.numbers(scope, ids);
  }

  /** Every uploaded file of an application with where it is kept, for its hand-off to the office. */
  async storedFiles(
    scope: TenantScope,
    applicationId: string,
  ): Promise<{ id: string; field: string; filename: string; mediaType: string; size: number; storageKey: string }[]> {
    return (await this.applications.attachmentsOf(scope, applicationId)).map(
      ({ id, field, filename, mediaType, size, storageKey }) => ({ id, field, filename, mediaType, size, storageKey }),
    );
  }

  /** One uploaded file with its bytes; undefined when the application has no such file. */
  async file(
    scope: TenantScope,
    applicationId: string,
    attachmentId: string,
  ): Promise<{ filename: string; mediaType: string; bytes: Buffer } | undefined> {
    if (!isUuid(attachmentId)) return undefined;
    const attachment = await this.applications.attachment(scope, applicationId, attachmentId);
    const bytes = attachment && (await this.storage.get(attachment.storageKey));
    return attachment && bytes ? { filename: attachment.filename, mediaType: attachment.mediaType, bytes } : undefined;
  }

  /** A page of submitted applications, newest first; one more than `limit` tells there is a next page. */
  inbox(scope: TenantScope, query: InboxQuery): Promise<InboxRow[]> {
    return this.rows.inbox(scope, query);
  }

  counts(scope: TenantScope, offices?: readonly string[]): Promise<Partial<Record<ApplicationStatus, number>>> {
    return this.rows.counts(scope, offices);
  }

  backlog(scope: TenantScope): Promise<{ office: string; open: number }[]> {
    return this.rows.backlog(scope);
  }

  /** A submitted application's inbox row; `lock` holds it until the transaction ends. */
  row(scope: TenantScope, applicationId: string, lock = false): Promise<InboxRow | undefined> {
    return this.rows.one(scope, applicationId, lock);
  }

  /** Gives an application to a member of staff (or nobody) and an office. */
  assign(scope: TenantScope, applicationId: string, change: { assigneeId: string | null; office: string | null }) {
    return this.rows.assign(scope, applicationId, change);
  }

  /** Per service and month of submission in [from, to) (`YYYY-MM-DD`, Europe/Berlin). */
  monthly(scope: TenantScope, from: string, to: string): Promise<MonthlyFigures[]> {
    return this.rows.monthly(scope, from, to);
  }

  /** Per service: the hours from submission to decision of the applications submitted in [from, to). */
  decisionTimes(scope: TenantScope, from: string, to: string): Promise<DecisionTimes[]> {
    return this.rows.decisionTimes(scope, from, to);
  }
}
