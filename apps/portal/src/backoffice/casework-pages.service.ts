import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import {
  BarrierReports,
  AuditTrail,
  BackofficeError,
  BackofficeErrorCode,
  CaseFile,
  CaseFiles,
  INBOX_STATUSES,
  Inbox,
  InboxFilter,
  InboxParams,
  Statistics,
  TenantStatistics,
  barChart,
  parseInboxParams,
  statisticsRange,
  visibleOffices,
} from '@openrathaus/backoffice';
import { CatalogService } from '@openrathaus/catalog';
import { Deliveries } from '@openrathaus/delivery';
import { DomainError } from '@openrathaus/core';
import { I18n, intlLocale, localeInfo, localized } from '@openrathaus/i18n';
import type { StaffSession } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { ErrorResponder } from '../http/error-responder.service';
import { PageContext } from '../http/page-context.service';
import { caseworkerOf } from './caseworker';
import { staffNav } from './backoffice-login-pages.service';

const dateTime = (iso: string | Date | null, locale: string): string =>
  iso === null
    ? ''
    : new Intl.DateTimeFormat(intlLocale(locale), {
        dateStyle: 'medium',
        timeStyle: 'short',
        timeZone: 'Europe/Berlin',
      }).format(new Date(iso));

const euro = (cents: number, locale: string): string =>
  new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency: 'EUR' }).format(cents / 100);

/** A page of the back office: who is logged in, the language, the page's parts. */
interface StaffPage {
  request: FastifyRequest;
  reply: FastifyReply;
  tenant: Tenant;
  staff: StaffSession;
}

/**
 * The back office's pages: inbox, application, statistics and audit trail, drawn on the server,
 * usable without JavaScript; every form posts with the staff session's CSRF token.
 */
@Injectable()
export class CaseworkPages {
  constructor(
    private readonly pages: PageContext,
    private readonly i18n: I18n,
    private readonly inbox: Inbox,
    private readonly files: CaseFiles,
    private readonly statistics: TenantStatistics,
    private readonly trail: AuditTrail,
    private readonly catalog: CatalogService,
    private readonly errors: ErrorResponder,
    private readonly deliveries: Deliveries,
    private readonly barriers: BarrierReports,
  ) {}

  /** The tenant admin's hand-offs that did not go through, each with its last error and a button to send it again. */
  async handoffsPage(page: StaffPage, notice: unknown): Promise<string> {
    const locale = this.locale(page);
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    const rows = await this.deliveries.failed(page.tenant);
    return this.render(page, locale, 'backoffice-handoffs', t('backoffice.handoffs.title'), 200, {
      csrfToken: page.staff.csrfToken,
      notice: typeof notice === 'string' && ['resent'].includes(notice) ? t(`backoffice.handoffs.${notice}`) : null,
      items: rows.map((row) => ({
        id: row.id,
        href: `/backoffice/antraege/${row.applicationId}`,
        number: row.number ?? row.applicationId,
        target: `${row.target} (${row.kind})`,
        status: t(`backoffice.handoffs.status.${row.status}`),
        attempts: row.attempts,
        error: row.lastError ?? '',
        next: row.status === 'retrying' ? dateTime(row.nextAttemptAt, locale) : '',
        updated: dateTime(row.updatedAt, locale),
      })),
    });
  }

  /** The reports of barriers from the accessibility statement's form, newest first. */
  async barriersPage(page: StaffPage, notice: unknown): Promise<string> {
    const locale = this.locale(page);
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    const reports = await this.barriers.recent(page.tenant);
    return this.render(page, locale, 'backoffice-barriers', t('backoffice.barriers.title'), 200, {
      csrfToken: page.staff.csrfToken,
      notice: notice === 'beantwortet' ? t('backoffice.barriers.done') : null,
      items: reports.map((r) => ({
        id: r.id,
        received: dateTime(r.createdAt, locale),
        page: r.page,
        description: r.description,
        email: r.email,
        language: localeInfo(r.locale).germanName,
        state: r.answeredAt
          ? t('backoffice.barriers.answered', { date: dateTime(r.answeredAt, locale) })
          : t('backoffice.barriers.open'),
        open: r.answeredAt === null,
      })),
    });
  }

  async answerBarrier(page: StaffPage, id: string): Promise<void> {
    await this.barriers.answered(page.tenant, id);
  }

  /** Sends a hand-off again from its page; the next page says so. */
  async resendHandoff(page: StaffPage, id: string): Promise<void> {
    await this.deliveries.resend(page.tenant, id, page.staff.staffId);
  }

  async inboxPage(page: StaffPage, query: InboxParams): Promise<string> {
    const locale = this.locale(page);
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    const who = caseworkerOf(page.staff);
    let filter: InboxFilter | undefined;
    let faults: { field: string; message: string }[] = [];
    try {
      filter = parseInboxParams(query);
    } catch (error) {
      if (!(error instanceof BackofficeError)) throw error;
      faults = error.fields.map((f) => ({ field: f.field, message: this.errors.fieldMessage(locale, f) }));
    }
    const result = filter
      ? await this.inbox.list(page.tenant, who, filter).catch((error: unknown) => {
          if (!(error instanceof BackofficeError) || error.code !== String(BackofficeErrorCode.Forbidden)) throw error;
          faults = error.fields.map((f) => ({ field: f.field, message: this.errors.fieldMessage(locale, f) }));
          return undefined;
        })
      : undefined;
    const raw = (key: keyof InboxParams): string => (typeof query[key] === 'string' ? query[key] : '');
    const offices = (page.tenant.config.offices ?? []).filter((o) => {
      const visible = visibleOffices(who);
      return !visible || visible.includes(o.id);
    });
    const services = await this.catalog.list(page.tenant);
    const keep = (extra: Record<string, string>) => {
      const params = new URLSearchParams();
      for (const key of ['status', 'service', 'office', 'assignee', 'from', 'to', 'q'] as const) {
        if (raw(key)) params.set(key, raw(key));
      }
      for (const [key, value] of Object.entries(extra)) {
        if (value) params.set(key, value);
        else params.delete(key);
      }
      const text = params.toString();
      return text ? `/backoffice?${text}` : '/backoffice';
    };
    const total = Object.values(result?.counts ?? {}).reduce((a, b) => a + (b ?? 0), 0);
    return this.render(page, locale, 'backoffice-inbox', t('backoffice.inbox.title'), faults.length ? 400 : 200, {
      faults,
      counts: [
        { label: t('backoffice.inbox.all'), n: total, href: keep({ status: '' }), current: !raw('status') },
        ...INBOX_STATUSES.filter((s) => result?.counts[s]).map((status) => ({
          label: t(`applications.status.${status}`),
          n: result?.counts[status] ?? 0,
          href: keep({ status }),
          current: raw('status') === status,
        })),
      ],
      filter: { q: raw('q'), from: raw('from'), to: raw('to') },
      statuses: INBOX_STATUSES.map((value) => ({
        value,
        label: t(`applications.status.${value}`),
        selected: raw('status') === value,
      })),
      services: services
        .filter((s) => s.type === 'online')
        .map((s) => ({ value: s.key, label: localized(s.title, locale), selected: raw('service') === s.key })),
      offices: offices.map((o) => ({ value: o.id, label: o.name, selected: raw('office') === o.id })),
      assignees: [
        { value: 'me', label: t('backoffice.inbox.assignedToMe'), selected: raw('assignee') === 'me' },
        { value: 'none', label: t('backoffice.inbox.unassigned'), selected: raw('assignee') === 'none' },
      ],
      mine: { href: keep({ assignee: 'me' }), current: raw('assignee') === 'me' },
      items: (result?.items ?? []).map((item) => ({
        href: `/backoffice/antraege/${item.id}`,
        number: item.number,
        service: localized(item.service.title, locale),
        applicant: item.applicant.name || item.applicant.email || '–',
        status: t(`applications.status.${item.status}`),
        office: item.office?.name ?? '–',
        submitted: dateTime(item.submittedAt, locale),
        overdue: item.overdue,
        mine: item.assigneeId === who.id,
      })),
      next: result?.nextCursor ? keep({ cursor: result.nextCursor }) : null,
      searched: Boolean(filter && (filter.q || filter.status || filter.service || filter.office || filter.assignee)),
    });
  }

  async casePage(
    page: StaffPage,
    id: string,
    notice?: string,
    refused?: {
      status: number;
      message: string;
      faults: { field: string; message: string }[];
      posted: Record<string, unknown>;
    },
  ): Promise<string> {
    const locale = this.locale(page);
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    const who = caseworkerOf(page.staff);
    const file = await this.files.open(page.tenant, who, id, locale);
    const colleagues = await this.files.colleagues(page.tenant, file.office?.id ?? null);
    const chosen = typeof refused?.posted.decision === 'string' ? refused.posted.decision : '';
    const offices = page.tenant.config.offices ?? [];
    // Where one is: the application's number and its service; after a refused decision, that it was refused.
    const title = `${file.number ?? t('backoffice.case.title')} – ${localized(file.service.title, locale)}`;
    return this.render(
      page,
      locale,
      'backoffice-application',
      refused ? `${t('account.errors.title')}: ${title}` : title,
      refused?.status ?? 200,
      {
        notice: notice ? t(`backoffice.notice.${notice}`) : null,
        refused: refused ? { message: refused.message, faults: refused.faults } : null,
        csrfToken: page.staff.csrfToken,
        assignee: file.assignee ? (file.assignee.name ?? file.assignee.email) : null,
        decision:
          file.status === 'in_review'
            ? {
                options: (['approve', 'request_info', 'reject'] as const).map((value) => ({
                  value,
                  label: t(`backoffice.decision.${value}`),
                  checked: chosen === value,
                })),
                message: typeof refused?.posted.message === 'string' ? refused.posted.message : '',
                invalid: Object.fromEntries((refused?.faults ?? []).map((f) => [f.field, true])),
                dispatch: file.service.key.endsWith('urkunde'),
                today: new Date().toISOString().slice(0, 10),
              }
            : null,
        assignment: {
          colleagues: colleagues.map((c) => ({
            value: c.id,
            label: c.name ? `${c.name} (${c.email})` : c.email,
            selected: c.id === file.assigneeId,
          })),
          offices: offices.map((o) => ({ value: o.id, label: o.name, selected: o.id === file.office?.id })),
        },
        ...this.caseView(file, locale, t),
      },
    );
  }

  /**
   * A decision posted from the application's page: undefined when it was taken; otherwise the page
   * again with the refusal (a missing reason, a decision that another caseworker took first).
   */
  async decide(page: StaffPage, id: string, body: Record<string, unknown>): Promise<string | undefined> {
    try {
      await this.files.decide(page.tenant, caseworkerOf(page.staff), id, body);
      return undefined;
    } catch (error) {
      if (!(error instanceof DomainError) || !['invalid', 'unprocessable', 'conflict'].includes(error.kind))
        throw error;
      const locale = this.locale(page);
      const answer = this.errors.body(error, page.request);
      // Each fault named by the label the page shows for its field.
      const label = (field: string) =>
        this.i18n.has(locale, `backoffice.decision.${field}`)
          ? this.i18n.t(locale, `backoffice.decision.${field}`)
          : field;
      const faults = error.fields.map((f) => ({
        field: f.field,
        message: this.errors.fieldMessage(locale, { ...f, field: label(f.field) }),
      }));
      return this.casePage(page, id, undefined, {
        status: answer.statusCode,
        message: answer.message,
        faults,
        posted: body,
      });
    }
  }

  caseView(file: CaseFile, locale: string, t: (key: string, params?: Record<string, unknown>) => string) {
    return {
      application: {
        id: file.id,
        number: file.number,
        service: localized(file.service.title, locale),
        status: t(`applications.status.${file.status}`),
        office: file.office?.name ?? '–',
        applicant: file.applicant.name || '–',
        email: file.applicant.email || '–',
        language: file.locale,
        submitted: dateTime(file.submittedAt, locale),
        decided: dateTime(file.decidedAt, locale),
        overdue: file.overdue,
        definition: file.definition,
        fee: file.feeCents ? euro(file.feeCents, locale) : null,
        decidable: file.status === 'in_review',
      },
      answers: file.answers,
      attachments: file.attachments.map((a) => ({
        href: `/backoffice/antraege/${file.id}/dateien/${a.id}`,
        field: a.field,
        filename: a.filename,
        size: `${Math.max(1, Math.round(a.size / 1024))} KB`,
        uploaded: dateTime(a.uploadedAt, locale),
      })),
      payments: file.payments.map((p) => ({
        amount: euro(p.amountCents, locale),
        status: t(`backoffice.payment.${p.status}`),
        reference: p.reference,
        provider: p.provider,
      })),
      documents: file.documents.map((d) => ({
        title: d.title,
        verifyCode: d.verifyCode,
        issued: dateTime(d.issuedAt, locale),
        revoked: d.revokedAt !== null,
      })),
      history: file.history.map((e) => ({
        at: dateTime(e.createdAt, locale),
        action: this.i18n.has(locale, `backoffice.action.${e.action}`) ? t(`backoffice.action.${e.action}`) : e.action,
        detail:
          e.action === 'application.status'
            ? `${t(`applications.status.${String(e.data.from)}`)} → ${t(`applications.status.${String(e.data.to)}`)}`
            : typeof e.data.by === 'string'
              ? e.data.by
              : '',
        actor: e.actor ?? '',
      })),
      messages: file.messages.map((m) => ({
        subject: m.subject,
        body: m.body,
        at: dateTime(m.createdAt, locale),
        sender: t(`backoffice.sender.${m.sender}`),
      })),
      notes: file.notes.map((n) => ({ author: n.author, body: n.body, at: dateTime(n.createdAt, locale) })),
    };
  }

  async statisticsPage(page: StaffPage, from: unknown, to: unknown): Promise<string> {
    const locale = this.locale(page);
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    const range = statisticsRange(from, to);
    const figures = await this.statistics.of(page.tenant, range, locale);
    return this.render(page, locale, 'backoffice-statistics', t('backoffice.stats.title'), 200, {
      ...this.statisticsView(figures, locale, t),
      range: { from: range.from, to: lastDay(range.to) },
      csvHref: `/backoffice/statistik.csv?from=${range.from}&to=${lastDay(range.to)}`,
    });
  }

  statisticsView(s: Statistics, locale: string, t: (key: string, params?: Record<string, unknown>) => string) {
    const percent = (share: number) => `${Math.round(share * 100)} %`;
    const hours = (h: number) =>
      h >= 48 ? t('backoffice.stats.days', { n: (h / 24).toFixed(1) }) : `${h.toFixed(1)} h`;
    return {
      perMonth: {
        chart: barChart({
          id: 'chart-months',
          title: t('backoffice.stats.perMonth'),
          description: t('backoffice.stats.perMonthDesc'),
          bars: s.months.map((m) => ({ label: m.month, value: m.submitted, text: String(m.submitted) })),
        }),
        rows: s.months.map((m) => ({ ...m, share: percent(m.completedOnlineShare) })),
      },
      online: {
        chart: barChart({
          id: 'chart-online',
          title: t('backoffice.stats.online'),
          description: t('backoffice.stats.onlineDesc'),
          bars: s.months.map((m) => ({
            label: m.month,
            value: m.completedOnlineShare,
            text: percent(m.completedOnlineShare),
          })),
        }),
      },
      times: {
        chart: barChart({
          id: 'chart-times',
          title: t('backoffice.stats.times'),
          description: t('backoffice.stats.timesDesc'),
          bars: s.decisionTimes.map((d) => ({ label: d.title, value: d.medianHours, text: hours(d.medianHours) })),
        }),
        rows: s.decisionTimes.map((d) => ({
          title: d.title,
          decided: d.decided,
          median: hours(d.medianHours),
          p90: hours(d.p90Hours),
        })),
      },
      backlog: {
        chart: barChart({
          id: 'chart-backlog',
          title: t('backoffice.stats.backlog'),
          description: t('backoffice.stats.backlogDesc'),
          bars: s.backlog.map((b) => ({
            label: b.name || t('backoffice.stats.noOffice'),
            value: b.open,
            text: String(b.open),
          })),
        }),
        rows: s.backlog.map((b) => ({ name: b.name || t('backoffice.stats.noOffice'), open: b.open })),
      },
      services: s.rows.map((r) => ({
        title: r.title,
        month: r.month,
        submitted: r.submitted,
        completed: r.completed,
        share: percent(r.completedOnlineShare),
        median: r.medianHours === null ? '–' : hours(r.medianHours),
        p90: r.p90Hours === null ? '–' : hours(r.p90Hours),
      })),
      empty: s.rows.length === 0,
    };
  }

  async auditPage(page: StaffPage, cursor: unknown, action: unknown): Promise<string> {
    const locale = this.locale(page);
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    const trail = await this.trail.page(page.tenant, { cursor, action });
    const filter = typeof action === 'string' ? action : '';
    return this.render(page, locale, 'backoffice-audit', t('backoffice.audit.title'), 200, {
      entries: trail.entries.map((e) => ({
        at: dateTime(e.createdAt, locale),
        action: this.i18n.has(locale, `backoffice.action.${e.action}`) ? t(`backoffice.action.${e.action}`) : e.action,
        actor: e.actor ?? '',
        by: typeof e.data.by === 'string' ? e.data.by : '',
        subject: e.subject?.startsWith('application:')
          ? { href: `/backoffice/antraege/${e.subject.slice('application:'.length)}`, text: e.subject }
          : { text: e.subject ?? '' },
      })),
      actions: [
        'application.viewed',
        'application.file_viewed',
        'application.status',
        'application.note_added',
        'staff.',
      ].map((value) => ({ value, label: value, selected: filter === value })),
      next: trail.nextCursor
        ? `/backoffice/protokoll?cursor=${trail.nextCursor}${filter ? `&action=${encodeURIComponent(filter)}` : ''}`
        : null,
    });
  }

  locale(page: Pick<StaffPage, 'request' | 'reply' | 'tenant'>): string {
    return this.pages.locale(page.request, page.reply, page.tenant);
  }

  render(
    page: StaffPage,
    locale: string,
    view: string,
    title: string,
    status: number,
    data: Record<string, unknown>,
  ): string {
    return this.pages.personal(
      page.request,
      page.reply,
      { tenant: page.tenant, locale, view, title, status },
      {
        ...data,
        staffNav: staffNav(page.staff, NAV[view]),
      },
    );
  }
}

/** Which entry of the navigation a page is. */
const NAV: Record<string, 'inbox' | 'statistik' | 'protokoll' | 'uebergaben' | 'barrieren' | undefined> = {
  'backoffice-handoffs': 'uebergaben',
  'backoffice-barriers': 'barrieren',
  'backoffice-inbox': 'inbox',
  'backoffice-application': 'inbox',
  'backoffice-statistics': 'statistik',
  'backoffice-audit': 'protokoll',
};

/** The last day of a range whose `to` is exclusive. */
const lastDay = (to: string): string => new Date(Date.parse(to) - 86_400_000).toISOString().slice(0, 10);
