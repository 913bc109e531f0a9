import { Injectable } from '@nestjs/common';
import { DeepPartial } from 'typeorm';
import { ConsoleScope, CrossTenantReads, Period, ScopedWhere, TenantScope } from '@openrathaus/database';
import { ApplicationEntity, ApplicationStatus, AttachmentEntity } from './application.entity';

/**
 * The owner of `applications`, `attachments` and `application_counters`: every statement on them,
 * for this lib and for the libs that move an application on (workflow) or check it (payments),
 * each in the caller's transaction.
 */
/** What a submission settles: the checked answers, the number, the fee, and whom and which office it concerns. */
export interface Submission {
  answers: Record<string, unknown>;
  number: string;
  feeCents: number;
  /** The tenant's office that reviews it; null when no step reviews. */
  office: string | null;
  applicantName: string | null;
  applicantEmail: string | null;
}

/** One tenant's applications of a period: submitted, and the bytes of the files uploaded. */
export interface ApplicationsUsage {
  tenantId: string;
  applications: number;
  storageBytes: number;
}

/** An application found by its number, and only where it is: the rest is read in its tenant's scope. */
export interface ApplicationLocation {
  tenantId: string;
  id: string;
}

@Injectable()
export class ApplicationsRepository {
  constructor(private readonly crossTenant: CrossTenantReads) {}

  /** Per tenant, the applications submitted and the bytes uploaded in `period` (the operator's usage). */
  async usage(period: Period): Promise<ApplicationsUsage[]> {
    const rows = await this.crossTenant.query<{ tenant_id: string; applications: string; storage: string }>(
      'usage',
      `select tenant_id, sum(applications)::bigint as applications, sum(storage)::bigint as storage from (
         select tenant_id, count(*) as applications, 0 as storage from public.applications
          where submitted_at >= $1 and submitted_at < $2 group by tenant_id
         union all
         select tenant_id, 0, coalesce(sum(size), 0) from public.attachments
          where created_at >= $1 and created_at < $2 group by tenant_id) counts
       group by tenant_id`,
      [period.from, period.to],
    );
    return rows.map((r) => ({
      tenantId: r.tenant_id,
      applications: Number(r.applications),
      storageBytes: Number(r.storage),
    }));
  }

  /** The applications of every tenant that carry `number` (numbers are unique per tenant only). */
  async locate(number: string): Promise<ApplicationLocation[]> {
    const rows = await this.crossTenant.query<{ tenant_id: string; id: string }>(
      'support',
      `select tenant_id, id from public.applications where number = $1 order by tenant_id limit 20`,
      [number],
    );
    return rows.map((r) => ({ tenantId: r.tenant_id, id: r.id }));
  }

  /** Applications submitted since `since`, by tenant id: the operator console's read across tenants. */
  async submittedSinceByTenant(scope: ConsoleScope, since: Date): Promise<Map<string, number>> {
    const rows = await scope.query<{ tenant_id: string; n: string }>(
      `select tenant_id, count(*) as n from public.applications where submitted_at >= $1 group by tenant_id`,
      [since],
    );
    return new Map(rows.map((r) => [r.tenant_id, Number(r.n)]));
  }

  /** Writes a new application (a draft). */
  add(scope: TenantScope, values: Omit<DeepPartial<ApplicationEntity>, 'tenantId'>): Promise<ApplicationEntity> {
    return scope.insert(ApplicationEntity, values);
  }

  /** A citizen's applications, newest first. */
  ofCitizen(scope: TenantScope, citizenId: string, limit: number): Promise<ApplicationEntity[]> {
    return scope.find(ApplicationEntity, { where: { citizenId }, order: { createdAt: 'DESC' }, take: limit });
  }

  /** The attachments of an application, oldest first; of one field when `field` is given. */
  attachmentsOf(scope: TenantScope, applicationId: string, field?: string): Promise<AttachmentEntity[]> {
    const where: ScopedWhere<AttachmentEntity> = field === undefined ? { applicationId } : { applicationId, field };
    return scope.find(AttachmentEntity, { where, order: { createdAt: 'ASC' } });
  }

  /** Writes an uploaded file's row. */
  addAttachment(
    scope: TenantScope,
    values: Omit<DeepPartial<AttachmentEntity>, 'tenantId'>,
  ): Promise<AttachmentEntity> {
    return scope.insert(AttachmentEntity, values);
  }

  /**
   * Gives an attachment another field (its entry of a repeated group moved up). The table takes
   * no updates: the row is written anew with the same id, file and time.
   */
  async moveAttachment(scope: TenantScope, id: string, field: string): Promise<void> {
    await scope.query(
      `with gone as (delete from public.attachments where id = $1 returning *)
       insert into public.attachments
         (id, tenant_id, application_id, field, filename, media_type, size, sha256, storage_key, created_at)
       select id, tenant_id, application_id, $2, filename, media_type, size, sha256, storage_key, created_at from gone`,
      [id, field],
    );
  }

  /** One attachment of an application, or null. */
  attachment(scope: TenantScope, applicationId: string, id: string): Promise<AttachmentEntity | null> {
    return scope.findOne(AttachmentEntity, { id, applicationId });
  }

  /** An application, locked until the transaction ends when `lock` is set. */
  async find(scope: TenantScope, id: string, lock = false): Promise<ApplicationEntity | null> {
    if (lock) await scope.query(`select 1 from public.applications where id = $1 for update`, [id]);
    return scope.findOne(ApplicationEntity, { id });
  }

  /** Whether the application is there for the scope's tenant (row-level security hides others'). */
  async exists(scope: TenantScope, id: string): Promise<boolean> {
    return (await scope.query(`select id from public.applications where id = $1`, [id])).length > 0;
  }

  async saveAnswers(
    scope: TenantScope,
    id: string,
    answers: Record<string, unknown>,
    lastPage: string | null,
  ): Promise<void> {
    await scope.query(
      `update public.applications set answers = $2, last_page = coalesce($3, last_page), updated_at = now()
        where id = $1`,
      [id, JSON.stringify(answers), lastPage],
    );
  }

  /** Keeps what a submission settles: the answers as checked, the number and the fee. */
  async recordSubmission(scope: TenantScope, id: string, submission: Submission): Promise<void> {
    await scope.query(
      `update public.applications set answers = $2, number = $3, fee_cents = $4, submitted_at = now(),
              office = $5, applicant_name = $6, applicant_email = $7
        where id = $1`,
      [
        id,
        JSON.stringify(submission.answers),
        submission.number,
        submission.feeCents,
        submission.office,
        submission.applicantName,
        submission.applicantEmail,
      ],
    );
  }

  /** Moves the status on only if it is still `from`; false when another run moved it first. */
  async moveStatus(scope: TenantScope, id: string, from: ApplicationStatus, to: ApplicationStatus): Promise<boolean> {
    const moved = await scope.query(
      `with moved as (
         update public.applications
            set status = $3, updated_at = now(), status_changed_at = now(),
                decided_at = case when $3 in ('approved', 'rejected') then coalesce(decided_at, now()) else decided_at end
          where id = $1 and status = $2 returning id)
       select id from moved`,
      [id, from, to],
    );
    return moved.length > 0;
  }

  async advanceStep(scope: TenantScope, id: string): Promise<void> {
    await scope.query(`update public.applications set step_index = step_index + 1 where id = $1`, [id]);
  }

  async markCompleted(scope: TenantScope, id: string): Promise<void> {
    await scope.query(`update public.applications set completed_at = now() where id = $1`, [id]);
  }

  async deleteAttachment(scope: TenantScope, id: string): Promise<void> {
    await scope.query(`delete from public.attachments where id = $1`, [id]);
  }

  /**
   * The next value of the tenant's counter for the year; the counter row stays locked until the
   * transaction commits, so numbers have no gaps and no duplicates.
   */
  async nextCounter(scope: TenantScope, year: number): Promise<number> {
    const rows = await scope.query<{ last_value: number }>(
      `insert into public.application_counters (tenant_id, year, last_value) values ($1, $2, 1)
       on conflict (tenant_id, year) do update set last_value = application_counters.last_value + 1
       returning last_value`,
      [scope.tenantId, year],
    );
    return rows[0].last_value;
  }

  /**
   * The definition versions of the tenant's closed applications (final status, not anonymised):
   * each found by one step down the retention index, never by reading every closed row.
   */
  async closedDefinitionIds(scope: TenantScope): Promise<string[]> {
    const rows = await scope.query<{ definition_id: string }>(
      `with recursive ids as (
         (select definition_id from public.applications
           where tenant_id = $1 and status in ('completed', 'rejected', 'withdrawn') and anonymised_at is null
           order by definition_id limit 1)
         union all
         select (select a.definition_id from public.applications a
                  where a.tenant_id = $1 and a.status in ('completed', 'rejected', 'withdrawn')
                    and a.anonymised_at is null and a.definition_id > ids.definition_id
                  order by a.definition_id limit 1)
           from ids where ids.definition_id is not null)
       select definition_id from ids where definition_id is not null`,
      [scope.tenantId],
    );
    return rows.map((row) => row.definition_id);
  }

  /** Closed applications of one definition version whose final status lies before `before`, oldest first. */
  async closedBefore(scope: TenantScope, definitionId: string, before: Date, limit: number): Promise<string[]> {
    const rows = await scope.query<{ id: string }>(
      `select id from public.applications
        where tenant_id = $1 and definition_id = $2 and status in ('completed', 'rejected', 'withdrawn')
          and anonymised_at is null and status_changed_at < $3
        order by status_changed_at, id limit $4`,
      [scope.tenantId, definitionId, before, limit],
    );
    return rows.map((row) => row.id);
  }

  /** The application, locked, when it is still closed, not anonymised and final since before `before`. */
  async lockClosedBefore(scope: TenantScope, id: string, before: Date): Promise<boolean> {
    const rows = await scope.query(
      `select id from public.applications
        where id = $1 and status in ('completed', 'rejected', 'withdrawn') and anonymised_at is null
          and status_changed_at < $2
        for update`,
      [id, before],
    );
    return rows.length > 0;
  }

  /** Deletes the application; its attachments' and terms' rows go with it (the foreign keys cascade). */
  async remove(scope: TenantScope, id: string): Promise<void> {
    await scope.query(`delete from public.applications where id = $1`, [id]);
  }

  /** Removes the application's personal data and marks it anonymised; a trigger drops its search terms. */
  async anonymise(scope: TenantScope, id: string): Promise<void> {
    await scope.query(
      `update public.applications
          set answers = '{}', applicant_name = null, applicant_email = null, citizen_id = null, last_page = null,
              anonymised_at = now(), updated_at = now()
        where id = $1`,
      [id],
    );
  }

  /** Deletes every attachment row of the application. */
  async deleteAttachmentsOf(scope: TenantScope, applicationId: string): Promise<void> {
    await scope.query(`delete from public.attachments where application_id = $1`, [applicationId]);
  }

  /** Applications in `status` since before `changedBefore`, longest waiting first, at most `limit`. */
  inStatusSince(
    scope: TenantScope,
    status: ApplicationStatus,
    changedBefore: Date,
    limit: number,
  ): Promise<ApplicationEntity[]> {
    return scope.query<ApplicationEntity>(
      `select id, status, status_changed_at as "statusChangedAt" from public.applications
        where status = $1 and status_changed_at < $2
        order by status_changed_at, id limit $3`,
      [status, changedBefore, limit],
    );
  }
}
