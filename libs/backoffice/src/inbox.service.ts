import { Injectable } from '@nestjs/common';
import { ApplicationStatus, Casework, InboxRow } from '@openrathaus/applications';
import { CatalogService } from '@openrathaus/catalog';
import { TenantTransactions } from '@openrathaus/database';
import { LocalizedText } from '@openrathaus/i18n';
import { Tenant, caseworkSettings } from '@openrathaus/tenancy';
import { BackofficeError, BackofficeErrorCode } from './backoffice.error';
import { Caseworker, visibleOffices } from './caseworker';
import { InboxFilter, encodeCursor } from './inbox-query';

/** One application in the inbox. */
export interface InboxItem {
  id: string;
  number: string | null;
  service: { key: string; title: LocalizedText };
  status: ApplicationStatus;
  office: { id: string; name: string } | null;
  assigneeId: string | null;
  applicant: { name: string | null; email: string | null };
  /** The language the citizen applied in. */
  locale: string;
  submittedAt: string;
  statusChangedAt: string;
  decidedAt: string | null;
  /** Waiting for the office longer than the tenant allows (`casework.overdueDays`). */
  overdue: boolean;
}

export interface InboxPage {
  items: InboxItem[];
  nextCursor: string | null;
  /** Submitted applications per status in the offices the member of staff sees, whatever the filters. */
  counts: Partial<Record<ApplicationStatus, number>>;
}

/** Statuses in which the application waits for the office. */
export const WAITING_FOR_OFFICE: readonly ApplicationStatus[] = ['submitted', 'paid', 'in_review'];
/** How long an application may wait for the office before the inbox flags it (`casework.overdueDays`). */
export const overdueDays = (tenant: Tenant): number => caseworkSettings(tenant).overdueDays;

/**
 * The caseworkers' inbox: the tenant's submitted applications in the offices the member of staff
 * is assigned to (all for a tenant admin), newest first, filtered and paged by keyset, with the
 * counts per status the database keeps.
 */
@Injectable()
export class Inbox {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly casework: Casework,
    private readonly catalog: CatalogService,
  ) {}

  async list(tenant: Tenant, who: Caseworker, filter: InboxFilter): Promise<InboxPage> {
    const offices = visibleOffices(who);
    if (filter.office && offices && !offices.includes(filter.office)) {
      throw new BackofficeError(BackofficeErrorCode.Forbidden, {}, [{ field: 'office', key: 'invalid' }]);
    }
    const assignee = filter.assignee === 'me' ? who.id : filter.assignee === 'none' ? null : filter.assignee;
    const { rows, counts } = await this.transactions.run(tenant.id, async (scope) => ({
      rows: await this.casework.inbox(scope, {
        offices,
        status: filter.status,
        service: filter.service,
        office: filter.office,
        assignee,
        from: filter.from,
        to: filter.to,
        search: filter.q,
        after: filter.cursor,
        limit: filter.limit + 1,
      }),
      counts: await this.casework.counts(scope, offices),
    }));
    const page = rows.slice(0, filter.limit);
    const titles = await this.titles(tenant);
    const overdueBefore = Date.now() - overdueDays(tenant) * 86_400_000;
    return {
      items: page.map((row) => this.item(tenant, row, titles, overdueBefore)),
      nextCursor: rows.length > filter.limit ? encodeCursor(page[page.length - 1]) : null,
      counts,
    };
  }

  /** The titles of the tenant's services, by key. */
  async titles(tenant: Tenant): Promise<Map<string, LocalizedText>> {
    return new Map((await this.catalog.list(tenant)).map((entry) => [entry.key, entry.title]));
  }

  item(tenant: Tenant, row: InboxRow, titles: Map<string, LocalizedText>, overdueBefore: number): InboxItem {
    return {
      id: row.id,
      number: row.number,
      service: { key: row.serviceKey, title: titles.get(row.serviceKey) ?? { de: row.serviceKey } },
      status: row.status,
      office: row.office ? { id: row.office, name: officeName(tenant, row.office) } : null,
      assigneeId: row.assigneeId,
      applicant: { name: row.applicantName, email: row.applicantEmail },
      locale: row.locale,
      submittedAt: row.submittedAt,
      statusChangedAt: row.statusChangedAt,
      decidedAt: row.decidedAt,
      overdue: WAITING_FOR_OFFICE.includes(row.status) && Date.parse(row.statusChangedAt) < overdueBefore,
    };
  }
}

/** An office's name from the tenant's file; its id when the file no longer has it. */
export function officeName(tenant: Tenant, id: string): string {
  return tenant.config.offices?.find((office) => office.id === id)?.name ?? id;
}
