import { Injectable } from '@nestjs/common';
import { ApplicationStatus, Applications, Casework, InboxRow } from '@openrathaus/applications';
import { isUuid } from '@openrathaus/core';
import { AuditEntry, AuditLog, TenantScope, TenantTransactions } from '@openrathaus/database';
import { Documents, IssuedDocument } from '@openrathaus/documents';
import { SummaryRow, summaryView } from '@openrathaus/forms';
import { I18n } from '@openrathaus/i18n';
import { StaffAccounts, StaffMember } from '@openrathaus/identity';
import { Mailbox, MailboxView } from '@openrathaus/messaging';
import { PaymentView, Payments } from '@openrathaus/payments';
import { Tenant } from '@openrathaus/tenancy';
import { DecisionInput, Workflow } from '@openrathaus/workflow';
import { BackofficeError, BackofficeErrorCode, unacceptableField } from './backoffice.error';
import { CaseNote, CaseNotesRepository } from './case-notes.repository';
import { Caseworker, seesOffice } from './caseworker';
import { Inbox, InboxItem, overdueDays } from './inbox.service';

/** An uploaded file as the back office lists it; the bytes come from {@link CaseFiles.file}. */
export interface CaseAttachment {
  id: string;
  /** The answer path the file belongs to (`personen.0.aufenthaltstitel`). */
  field: string;
  filename: string;
  mediaType: string;
  size: number;
  uploadedAt: Date;
}

/** Everything about one application a caseworker works with. */
export interface CaseFile extends InboxItem {
  definition: string;
  /** Who has it in hand. */
  assignee: { id: string; email: string; name: string | null } | null;
  feeCents: number | null;
  /** The answers as the citizen gave them: the form's pages, labels and order. */
  answers: { title: string; rows: SummaryRow[] }[];
  attachments: CaseAttachment[];
  payment: PaymentView | null;
  payments: PaymentView[];
  documents: IssuedDocument[];
  /** The audited history, oldest first. */
  history: AuditEntry[];
  /** The messages between the office and the citizen (the citizen's mailbox). */
  messages: MailboxView[];
  /** Internal notes: never shown to the citizen. */
  notes: CaseNote[];
}

const MAX_NOTE = 5000;

/**
 * One application as the back office opens it. Every look at its personal data (the detail, a
 * file) is written to the audit log with who and when, in the transaction that reads it; an
 * application in an office the member of staff is not assigned to is not found, as if it were
 * not there.
 */
@Injectable()
export class CaseFiles {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly casework: Casework,
    private readonly applications: Applications,
    private readonly auditLog: AuditLog,
    private readonly notes: CaseNotesRepository,
    private readonly payments: Payments,
    private readonly documents: Documents,
    private readonly mailbox: Mailbox,
    private readonly i18n: I18n,
    private readonly inbox: Inbox,
    private readonly workflow: Workflow,
    private readonly staff: StaffAccounts,
  ) {}

  async open(tenant: Tenant, who: Caseworker, applicationId: string, locale: string): Promise<CaseFile> {
    const { row, attachments, history, notes, byField } = await this.transactions.run(tenant.id, async (scope) => {
      const row = await this.visible(scope, who, applicationId);
      await this.auditLog.record(scope, {
        action: 'application.viewed',
        actor: who.id,
        subject: `application:${row.id}`,
        data: { by: who.email },
      });
      return {
        row,
        attachments: await this.casework.files(scope, row.id),
        byField: await this.applications.attachments(scope, row.id),
        history: await this.auditLog.of(scope, `application:${row.id}`),
        notes: await this.notes.of(scope, row.id),
      };
    });
    const { application, definition } = await this.applications.pinned(tenant, row.id);
    const summary = summaryView(definition.form, {
      answers: application.answers,
      locale,
      params: application.parameters,
      attachments: byField,
      t: (key, params) => this.i18n.t(locale, key, params),
    });
    const item = this.inbox.item(
      tenant,
      row,
      await this.inbox.titles(tenant),
      Date.now() - overdueDays(tenant) * 86_400_000,
    );
    const payments = await this.payments.history(tenant, row.id);
    const assignee = row.assigneeId
      ? (await this.staff.members(tenant.id)).find((member) => member.id === row.assigneeId)
      : undefined;
    return {
      ...item,
      assignee: assignee ? { id: assignee.id, email: assignee.email, name: assignee.name } : null,
      service: { key: item.service.key, title: definition.title },
      definition: application.definitionRef,
      feeCents: application.feeCents,
      answers: summary.pages.map((page) => ({ title: page.title, rows: page.rows })),
      attachments: attachments.map((a) => ({
        id: a.id,
        field: a.field,
        filename: a.filename,
        mediaType: a.mediaType,
        size: a.size,
        uploadedAt: a.createdAt,
      })),
      payment: payments.find((p) => p.status === 'PAYED') ?? payments[0] ?? null,
      payments,
      documents: await this.documents.list(tenant, row.id),
      history,
      messages: application.citizenId
        ? await this.mailbox.forApplication(tenant, application.citizenId, row.id, locale)
        : [],
      notes,
    };
  }

  /** An uploaded file of a visible application; the look is audited. */
  async file(
    tenant: Tenant,
    who: Caseworker,
    applicationId: string,
    attachmentId: string,
  ): Promise<{ filename: string; mediaType: string; bytes: Buffer }> {
    return this.transactions.run(tenant.id, async (scope) => {
      const row = await this.visible(scope, who, applicationId);
      const file = await this.casework.file(scope, row.id, attachmentId);
      if (!file) throw new BackofficeError(BackofficeErrorCode.NotFound);
      await this.auditLog.record(scope, {
        action: 'application.file_viewed',
        actor: who.id,
        subject: `application:${row.id}`,
        data: { by: who.email, attachment: attachmentId, filename: file.filename },
      });
      return file;
    });
  }

  /** Adds an internal note. */
  async note(tenant: Tenant, who: Caseworker, applicationId: string, body: unknown): Promise<CaseNote> {
    if (typeof body !== 'string' || !body.trim()) throw unacceptableField('body', 'required');
    if (body.length > MAX_NOTE || body.includes('\u0000')) throw unacceptableField('body', 'too_long');
    return this.transactions.run(tenant.id, async (scope) => {
      const row = await this.visible(scope, who, applicationId);
      const note = await this.notes.add(scope, {
        applicationId: row.id,
        authorId: who.id,
        author: who.email,
        body: body.trim(),
      });
      await this.auditLog.record(scope, {
        action: 'application.note_added',
        actor: who.id,
        subject: `application:${row.id}`,
        data: { note: note.id },
      });
      return note;
    });
  }

  /**
   * Decides an application of an office `who` works for: approve, reject, or ask the citizen for
   * what is missing. The workflow locks the application, so of two decisions at once one stands
   * and the other is refused naming it (409).
   */
  async decide(
    tenant: Tenant,
    who: Caseworker,
    applicationId: string,
    input: { decision?: unknown; message?: unknown; dispatchDate?: unknown },
  ): Promise<{ id: string; status: string }> {
    await this.transactions.run(tenant.id, (scope) => this.visible(scope, who, applicationId));
    const decided = await this.workflow.decide(tenant, applicationId, {
      decision: input.decision as DecisionInput['decision'],
      message: (input.message ?? '') as string,
      actor: { id: who.id, email: who.email },
      ...(input.dispatchDate !== undefined && input.dispatchDate !== ''
        ? { dispatchDate: input.dispatchDate as string }
        : {}),
    });
    return { id: decided.id, status: decided.status };
  }

  /**
   * Gives an application to a colleague (or to nobody) and/or forwards it to another office of
   * the tenant. The colleague must be active and work for the office it ends up in; forwarding
   * without naming someone leaves it to the new office's inbox. Both are audited.
   */
  async assign(
    tenant: Tenant,
    who: Caseworker,
    applicationId: string,
    change: { assignee?: unknown; office?: unknown },
  ): Promise<{ id: string; office: string | null; assigneeId: string | null }> {
    const offices = (tenant.config.offices ?? []).map((office) => office.id);
    const faults: { field: string; key: string; params?: Record<string, unknown> }[] = [];
    const office = change.office === undefined || change.office === '' ? undefined : change.office;
    if (office !== undefined && (typeof office !== 'string' || !offices.includes(office))) {
      faults.push({ field: 'office', key: 'one_of', params: { allowed: offices.join(', ') } });
    }
    const assignee = change.assignee === undefined ? undefined : change.assignee === '' ? null : change.assignee;
    if (assignee !== undefined && assignee !== null && !isUuid(assignee))
      faults.push({ field: 'assignee', key: 'invalid' });
    if (office === undefined && assignee === undefined) faults.push({ field: 'assignee', key: 'required' });
    if (faults.length) throw new BackofficeError(BackofficeErrorCode.Unacceptable, {}, faults);
    const members = await this.staff.members(tenant.id);
    return this.transactions.run(tenant.id, async (scope) => {
      const row = await this.visible(scope, who, applicationId, true);
      const nextOffice = (office as string | undefined) ?? row.office;
      const forwarded = nextOffice !== row.office;
      const nextAssignee = assignee === undefined ? (forwarded ? null : row.assigneeId) : (assignee as string | null);
      if (nextAssignee !== null) {
        const member = members.find((m) => m.id === nextAssignee);
        if (!member || !worksFor(member, nextOffice)) {
          throw unacceptableField('assignee');
        }
      }
      await this.casework.assign(scope, row.id, { assigneeId: nextAssignee, office: nextOffice });
      const subject = `application:${row.id}`;
      if (forwarded) {
        await this.auditLog.record(scope, {
          action: 'application.forwarded',
          actor: who.id,
          subject,
          data: { by: who.email, from: row.office, to: nextOffice },
        });
      }
      if (nextAssignee !== row.assigneeId) {
        await this.auditLog.record(scope, {
          action: 'application.assigned',
          actor: who.id,
          subject,
          data: { by: who.email, from: row.assigneeId, to: nextAssignee },
        });
      }
      return { id: row.id, office: nextOffice, assigneeId: nextAssignee };
    });
  }

  /** Whether `who` still sees the application (after forwarding it, perhaps not). */
  async visibleTo(tenant: Tenant, who: Caseworker, applicationId: string): Promise<boolean> {
    return this.transactions.run(tenant.id, async (scope) => {
      const row = isUuid(applicationId) ? await this.casework.row(scope, applicationId) : undefined;
      return Boolean(row && seesOffice(who, row.office));
    });
  }

  /** The colleagues who may take an application of `office`. */
  async colleagues(tenant: Tenant, office: string | null): Promise<StaffMember[]> {
    return (await this.staff.members(tenant.id)).filter((member) => worksFor(member, office));
  }

  /**
   * The inbox row of an application `who` may see, locked when asked; not found otherwise (another
   * tenant's, a draft, another office's).
   */
  async visible(scope: TenantScope, who: Caseworker, applicationId: string, lock = false): Promise<InboxRow> {
    const row = isUuid(applicationId) ? await this.casework.row(scope, applicationId, lock) : undefined;
    if (!row || !seesOffice(who, row.office)) throw new BackofficeError(BackofficeErrorCode.NotFound);
    return row;
  }
}

/** Whether a member of staff may work on applications of `office`: an active caseworker of it, or a tenant admin. */
function worksFor(member: StaffMember, office: string | null): boolean {
  if (member.disabled) return false;
  if (member.role === 'tenant-admin') return true;
  return member.role === 'caseworker' && office !== null && member.offices.includes(office);
}

/** The statuses in which an office decides. */
export const DECIDABLE: readonly ApplicationStatus[] = ['in_review'];
