import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@openrathaus/core';
import {
  ApplicationEntity,
  Applications,
  ApplicationsError,
  ApplicationsErrorCode,
  ListedApplication,
  PinnedApplication,
  REPLY_FIELD,
} from '@openrathaus/applications';
import { CatalogService, computeFee, formatMoney } from '@openrathaus/catalog';
import { Documents } from '@openrathaus/documents';
import {
  FormFieldError,
  FormItem,
  Rules,
  answersFromFormPost,
  isGroup,
  nextPage,
  pageView,
  previousPage,
  summaryView,
  visiblePages,
} from '@openrathaus/forms';
import { CitizenSession, TrustLevel, meetsLevel } from '@openrathaus/identity';
import { Mailbox } from '@openrathaus/messaging';
import { Payments } from '@openrathaus/payments';
import { Appointments } from '@openrathaus/appointments';
import type { Tenant } from '@openrathaus/tenancy';
import { I18n, LocalizedText, intlLocale, isolateLtr, localized, shownLocale } from '@openrathaus/i18n';
import {
  MAX_MESSAGE_LENGTH,
  WITHDRAWABLE,
  Workflow,
  WorkflowError,
  WorkflowErrorCode,
  requiredLevel,
} from '@openrathaus/workflow';
import { ApplicationViews, isMultipart, readUpload } from './application-views.service';
import { CitizenAuth, loginPath, requireTenant, stepUpPath } from '../http/citizen-auth';
import { PageContext, redirectAfterPost } from '../http/page-context.service';

type Form = Record<string, string | string[]>;

/** Statuses in which work goes on without the citizen: the status page looks again by itself. */
const WORKING = new Set(['submitted', 'paid', 'approved']);
const SETTLE_MS = 8000;
/** File inputs counted for an unbounded repeat, and at most on a page. */
const REPEAT_FILE_INPUTS = 10;
const MAX_FILE_INPUTS = 30;

/**
 * How many file inputs a page can show. A browser posts every one of them, the empty ones as parts
 * without a file (the portal's multipart limit of one file would refuse a page with two inputs);
 * only the one chosen file is kept.
 */
function fileInputs(items: FormItem[], times = 1): number {
  let count = 0;
  for (const item of items) {
    const copies = times * (item.repeat ? (item.repeat.max ?? REPEAT_FILE_INPUTS) : 1);
    if (isGroup(item)) count += fileInputs(item.items, copies);
    else if (item.type === 'file') count += copies;
  }
  return Math.min(count, MAX_FILE_INPUTS);
}

/** The application pages of a citizen; see {@link ApplicationPagesController}. */
@Injectable()
export class ApplicationPages {
  constructor(
    private readonly auth: CitizenAuth,
    private readonly rules: Rules,
    private readonly applications: Applications,
    private readonly workflow: Workflow,
    private readonly catalog: CatalogService,
    private readonly payments: Payments,
    private readonly appointments: Appointments,
    private readonly documents: Documents,
    private readonly mailbox: Mailbox,
    private readonly views: ApplicationViews,
    private readonly context: PageContext,
    private readonly i18n: I18n,
  ) {}

  /** The start page of a service's application: drafts to continue, or a new one. */
  async start(request: FastifyRequest, reply: FastifyReply, key: string) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    const entry = await this.catalog.get(tenant, key);
    if (entry.type !== 'online' || !entry.document) {
      throw new ApplicationsError(ApplicationsErrorCode.NotOnline, { key });
    }
    const level = requiredLevel({ definition: entry.document });
    if (!meetsLevel(session.trustLevel, level)) {
      return this.redirect(reply, stepUpPath(level, request.url));
    }
    const locale = this.context.locale(request, reply, tenant);
    const drafts = (await this.applications.listForCitizen(tenant, session.citizenId))
      .map((listed) => listed.application)
      .filter((a) => a.serviceKey === key && a.status === 'draft');
    const start = `${this.i18n.t(locale, 'applications.start.title')} – ${localized(entry.title, locale)}`;
    return this.render(request, reply, tenant, 'application-start', start, {
      service: { key, ...this.serviceView(entry.title, locale), summary: localized(entry.summary, locale) },
      fee: entry.fee,
      drafts: drafts.map((d) => ({
        id: d.id,
        updatedAt: this.when(d.updatedAt, locale),
        continueUrl: `/antraege/${d.id}/schritt/${d.lastPage ?? entry.document!.form.pages[0].id}`,
      })),
      csrfToken: session.csrfToken,
    });
  }

  async begin(request: FastifyRequest, reply: FastifyReply, key: string) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    const entry = await this.catalog.get(tenant, key);
    const level = entry.document ? requiredLevel({ definition: entry.document }) : 'basic';
    if (!meetsLevel(session.trustLevel, level)) {
      return this.redirect(reply, stepUpPath(level, `/leistungen/${key}/antrag`));
    }
    const draft = await this.applications.startDraft(tenant, key, {
      citizenId: session.citizenId,
      locale: this.context.locale(request, reply, tenant),
    });
    const { definition } = await this.applications.pinned(tenant, draft.id);
    return this.redirect(reply, `/antraege/${draft.id}/schritt/${definition.form.pages[0].id}`);
  }

  /** The citizen's mailbox: applications with their status, and the messages of each. */
  async list(request: FastifyRequest, reply: FastifyReply) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    const locale = this.context.locale(request, reply, tenant);
    const rows = await this.applications.listForCitizen(tenant, session.citizenId);
    const messages = await this.mailbox.forCitizen(tenant, session.citizenId, locale);
    return this.render(request, reply, tenant, 'applications', this.i18n.t(locale, 'applications.title'), {
      applications: rows.map((listed) => this.summaryRow(listed, locale)),
      messages: messages.map((m) => ({ ...m, createdAt: this.when(m.createdAt, locale), unread: !m.readAt })),
      saved: (request.query as Record<string, unknown>)?.gespeichert !== undefined,
    });
  }

  /**
   * One application: status, payment, documents, messages; looks again while work goes on. While
   * the office asks for information, its question and the form to answer; while nothing is
   * decided, the way to withdraw.
   */
  async status(
    request: FastifyRequest,
    reply: FastifyReply,
    id: string,
    problem: { replyError?: string; replyText?: string; withdrawError?: string } = {},
    code = 200,
  ) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    await this.workflow.confirmPayment(tenant, session, id);
    const locale = this.context.locale(request, reply, tenant);
    const { application, definition } = await this.applications.pinned(tenant, id, session);
    const [payment, documents, messages, booked] = await Promise.all([
      this.payments.forApplication(tenant, id),
      this.documents.list(tenant, id),
      this.mailbox.forApplication(tenant, session.citizenId, id, locale),
      this.appointments.forApplication(tenant, id, locale),
    ]);
    // An appointment step waits for the citizen to book; a booked appointment is shown with its link.
    const appointmentDue = !booked && (await this.workflow.appointmentDue(tenant, session, id));
    const paymentDue =
      application.status === 'payment_pending' ||
      // Also when the payment service was away at submission: the citizen starts the payment here.
      (application.status === 'submitted' && definition.steps[application.stepIndex]?.kind === 'payment');
    const working =
      !paymentDue &&
      !appointmentDue &&
      WORKING.has(application.status) &&
      application.stepIndex < definition.steps.length;
    const needsInfo = application.status === 'needs_info';
    const replyFiles = needsInfo ? ((await this.applications.attachmentsOf(tenant, id))[REPLY_FIELD] ?? []) : [];
    return this.render(
      request,
      reply,
      tenant,
      'application-status',
      // The number (a draft has none: its status) before the service.
      `${application.number ?? this.i18n.t(locale, `applications.status.${application.status}`)} – ${localized(definition.title, locale)}`,
      {
        ...problem,
        // The newest message from the office is its question.
        infoRequest: needsInfo ? (messages.find((m) => m.sender === 'staff') ?? {}) : undefined,
        replyFiles,
        withdrawable: WITHDRAWABLE.includes(application.status) && !application.decidedAt,
        application: {
          id,
          number: application.number,
          status: application.status,
          statusLabel: this.i18n.t(locale, `applications.status.${application.status}`),
          draft: application.status === 'draft',
          continueUrl: `/antraege/${id}/schritt/${application.lastPage ?? definition.form.pages[0].id}`,
          fee: application.feeCents,
          submittedAt: application.submittedAt && this.when(application.submittedAt, locale),
        },
        service: this.serviceView(definition.title, locale),
        payment: payment && {
          ...payment,
          open: application.status === 'payment_pending' || application.status === 'submitted',
          failed: payment.status === 'FAILED' || payment.status === 'CANCELED',
        },
        paymentDue,
        appointment: booked && {
          ...booked.appointment,
          when: this.when(new Date(booked.appointment.start), locale),
          manageUrl: new URL(booked.manageUrl).pathname + new URL(booked.manageUrl).search,
        },
        appointmentDue: appointmentDue && { url: `/antraege/${id}/termin` },
        documents: documents.map((d) => ({
          ...d,
          url: `/antraege/${id}/dokumente/${d.id}`,
          validUntil: d.validUntil && this.when(d.validUntil, locale, false),
        })),
        messages: messages.map((m) => ({
          ...m,
          createdAt: this.when(m.createdAt, locale),
          senderLabel: m.sender === 'system' ? undefined : this.i18n.t(locale, `workflow.page.sender.${m.sender}`),
        })),
        working,
        refresh: working ? 2 : undefined,
        csrfToken: session.csrfToken,
      },
      code,
    );
  }

  /**
   * The answer to a request for information, from the application's page: the text, and a file
   * when one was chosen (kept under `nachreichung`). A wrong answer shows the page again with
   * what to correct and the text as typed.
   */
  async answer(request: FastifyRequest, reply: FastifyReply, id: string) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    const upload = isMultipart(request)
      ? await readUpload(request, 1)
      : { fields: (request.body as Form | undefined) ?? {}, files: [] };
    this.auth.checkCsrf(request, session, upload.fields);
    const message = typeof upload.fields.message === 'string' ? upload.fields.message.trim() : '';
    const locale = this.context.locale(request, reply, tenant);
    // The text is checked before a file is kept, so that a refused answer leaves nothing behind.
    const wrong = !message
      ? 'workflow.page.reply.required'
      : message.length > MAX_MESSAGE_LENGTH
        ? 'workflow.page.reply.tooLong'
        : undefined;
    if (wrong) {
      return this.status(request, reply, id, { replyError: this.i18n.t(locale, wrong), replyText: message }, 422);
    }
    try {
      for (const file of upload.files) await this.applications.addReplyAttachment(tenant, session, id, file);
      await this.workflow.reply(tenant, session, id, message);
    } catch (error) {
      if (!(error instanceof DomainError) || !['unprocessable', 'invalid'].includes(error.kind)) throw error;
      const fault = error.fields[0];
      const text = fault
        ? this.views.fieldErrors([{ field: fault.field, key: fault.key, params: fault.params }], locale)[0].message
        : this.i18n.t(locale, `errors.${error.code}`, error.params);
      return this.status(request, reply, id, { replyError: text, replyText: message }, 422);
    }
    return this.redirect(reply, `/antraege/${id}`);
  }

  /** Withdraws the application once the citizen has confirmed it on the page. */
  async withdraw(request: FastifyRequest, reply: FastifyReply, id: string, body: Form | undefined) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    if (body?.confirm !== 'true') {
      const locale = this.context.locale(request, reply, tenant);
      return this.status(
        request,
        reply,
        id,
        { withdrawError: this.i18n.t(locale, 'workflow.page.withdraw.unconfirmed') },
        422,
      );
    }
    await this.workflow.withdraw(tenant, session, id);
    return this.redirect(reply, `/antraege/${id}`);
  }

  /** One page of the form. */
  async step(request: FastifyRequest, reply: FastifyReply, id: string, pageId: string) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    const pinned = await this.applications.pinned(tenant, id, session);
    if (pinned.application.status !== 'draft') return this.redirect(reply, `/antraege/${id}`);
    return this.renderStep(request, reply, tenant, session, pinned, pageId, []);
  }

  /** Saves a page; then the next page, the previous one, the summary, or the mailbox ("later"). */
  async save(request: FastifyRequest, reply: FastifyReply, id: string, pageId: string, body: Form | undefined) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    const pinned = await this.applications.pinned(tenant, id, session);
    if (pinned.application.status !== 'draft') return this.redirect(reply, `/antraege/${id}`);
    const { form } = pinned.definition;
    const formPage = form.pages.find((p) => p.id === pageId);
    if (!formPage) {
      throw new ApplicationsError(ApplicationsErrorCode.NotFound, { page: pageId.slice(0, 60) });
    }
    let fields: Form = body ?? {};
    let uploadError: DomainError | undefined;
    if (isMultipart(request)) {
      // A page with file fields posts multipart: its fields, and the files chosen, each named by
      // the field it is for.
      const upload = await readUpload(request, Math.max(1, fileInputs(formPage.items)));
      fields = upload.fields;
      this.auth.checkCsrf(request, session, fields);
      for (const file of upload.files) {
        try {
          await this.applications.addAttachment(tenant, session, id, file.field, file);
        } catch (error) {
          if (!(error instanceof DomainError) || error.kind === 'internal') throw error;
          uploadError ??= error;
        }
      }
    } else {
      this.auth.checkCsrf(request, session, fields);
    }
    const post = answersFromFormPost(form, pageId, fields);
    if (post.action.kind === 'remove-file') {
      await this.applications.removeAttachment(tenant, session, id, post.action.attachmentId);
    }
    const saved = await this.applications.saveAnswers(tenant, session, id, post.answers, {
      pageIds: [pageId],
      lastPage: pageId,
      removedEntry: post.removed,
    });
    const { answers, parameters } = saved.application;
    if (uploadError) {
      const errors = uploadError.fields.map((f) => ({ field: f.field, key: f.key, params: f.params }));
      return this.renderStep(request, reply, tenant, session, saved, pageId, errors, 422);
    }
    switch (post.action.kind) {
      case 'back': {
        const previous = previousPage(form, pageId, answers, parameters);
        return this.redirect(
          reply,
          previous ? `/antraege/${id}/schritt/${previous}` : `/leistungen/${pinned.application.serviceKey}/antrag`,
        );
      }
      case 'later':
        return this.redirect(reply, '/antraege?gespeichert');
      default:
        if (post.stay) return this.renderStep(request, reply, tenant, session, saved, pageId, []);
        if (saved.errors.length)
          return this.renderStep(request, reply, tenant, session, saved, pageId, saved.errors, 422);
    }
    const next = nextPage(form, pageId, answers, parameters);
    return this.redirect(reply, next ? `/antraege/${id}/schritt/${next}` : `/antraege/${id}/zusammenfassung`);
  }

  async summary(request: FastifyRequest, reply: FastifyReply, id: string, errors: FormFieldError[] = [], status = 200) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    const pinned = await this.applications.pinned(tenant, id, session);
    const { application, definition } = pinned;
    if (application.status !== 'draft') return this.redirect(reply, `/antraege/${id}`);
    const locale = this.context.locale(request, reply, tenant);
    const attachments = await this.applicationsAttachments(tenant, id);
    const view = summaryView(definition.form, {
      answers: application.answers,
      errors,
      locale,
      params: application.parameters,
      attachments,
      csrfToken: session.csrfToken,
      action: `/antraege/${id}/absenden`,
      editUrl: (pageId: string) => `/antraege/${id}/schritt/${pageId}`,
      t: (key, params) => this.i18n.t(locale, key, params),
    });
    return this.render(
      request,
      reply,
      tenant,
      'application-summary',
      `${view.documentTitle} – ${localized(definition.title, locale)}`,
      {
        ...view,
        service: this.serviceView(definition.title, locale),
        fee: this.feeView(definition, application, locale),
      },
      status,
    );
  }

  async submit(request: FastifyRequest, reply: FastifyReply, id: string) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    try {
      const next = await this.workflow.submit(tenant, session, id, session);
      return this.redirect(reply, next.payment?.redirectUrl ?? `/antraege/${id}`);
    } catch (error) {
      const code = error instanceof WorkflowError ? (error.code as WorkflowErrorCode) : undefined;
      if (error instanceof WorkflowError && code === WorkflowErrorCode.InvalidAnswers) {
        const errors: FormFieldError[] = error.fields.map((f) => ({ field: f.field, key: f.key, params: f.params }));
        return this.summary(request, reply, id, errors, 422);
      }
      if (error instanceof WorkflowError && code === WorkflowErrorCode.LevelRequired) {
        const level = String(error.params.level);
        return this.redirect(reply, stepUpPath(level as TrustLevel, `/antraege/${id}/zusammenfassung`));
      }
      if (code === WorkflowErrorCode.AlreadySubmitted) {
        return this.redirect(reply, `/antraege/${id}`);
      }
      throw error;
    }
  }

  async pay(request: FastifyRequest, reply: FastifyReply, id: string) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    const next = await this.workflow.pay(tenant, session, id);
    return this.redirect(reply, next.payment!.redirectUrl);
  }

  async paymentReturn(request: FastifyRequest, reply: FastifyReply, id: string) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    await this.workflow.confirmPayment(tenant, session, id);
    // The document is made by the worker in a moment: wait for it a little, so that the citizen
    // usually lands on a page with the download already there.
    await this.settled(tenant, session, id, SETTLE_MS);
    return this.redirect(reply, `/antraege/${id}`);
  }

  private async settled(tenant: Tenant, session: CitizenSession, id: string, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      const { application, definition } = await this.applications.pinned(tenant, id, session);
      if (!WORKING.has(application.status) || application.stepIndex >= definition.steps.length) return;
      await new Promise((resolve) => setTimeout(resolve, 150));
    }
  }

  async document(request: FastifyRequest, reply: FastifyReply, id: string, documentId: string) {
    const { tenant, session } = await this.citizen(request, reply);
    if (!session) return undefined;
    return this.views.documentFile(tenant, session.citizenId, id, documentId);
  }

  private async renderStep(
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: Tenant,
    session: CitizenSession,
    pinned: PinnedApplication,
    pageId: string,
    errors: FormFieldError[],
    status = 200,
  ) {
    const { application, definition } = pinned;
    const locale = this.context.locale(request, reply, tenant);
    const pages = visiblePages(definition.form, application.answers, application.parameters);
    if (!pages.some((p) => p.id === pageId)) {
      throw new ApplicationsError(ApplicationsErrorCode.NotFound, { page: pageId.slice(0, 60) });
    }
    const view = pageView(definition.form, pageId, {
      answers: application.answers,
      errors,
      locale,
      params: application.parameters,
      attachments: await this.applicationsAttachments(tenant, application.id),
      csrfToken: session.csrfToken,
      action: `/antraege/${application.id}/schritt/${pageId}`,
      editUrl: (page: string) => `/antraege/${application.id}/schritt/${page}`,
      t: (key, params) => this.i18n.t(locale, key, params),
    });
    if (!view) throw new ApplicationsError(ApplicationsErrorCode.NotFound, { page: pageId.slice(0, 60) });
    return this.render(
      request,
      reply,
      tenant,
      'application-form',
      // The page's title, then the service's: every page of the form is told apart.
      `${view.documentTitle} – ${localized(definition.title, locale)}`,
      { ...view, service: this.serviceView(definition.title, locale) },
      status,
    );
  }

  /** The fee these answers come to, as the summary shows it; the server computes it again on submission. */
  private feeView(definition: PinnedApplication['definition'], application: ApplicationEntity, locale: string) {
    let fee;
    try {
      fee = computeFee(this.rules, definition.fees, application.parameters as never, application.answers);
    } catch {
      return undefined;
    }
    return {
      total: formatMoney(fee.totalCents, locale),
      free: fee.totalCents === 0,
      online: definition.steps.some((step) => step.kind === 'payment'),
      lines:
        fee.lines.length > 1
          ? fee.lines.map((l) => ({ label: localized(l.label, locale), amount: formatMoney(l.cents, locale) }))
          : [],
    };
  }

  /**
   * A service's title on its application pages. Where the definition lacks the page's language, its
   * texts are German: the pages mark them `lang="de"` (`service.fallback`), as the service page does.
   */
  private serviceView(title: LocalizedText, locale: string) {
    const fallback = locale !== 'de' && shownLocale(title, locale) !== locale ? { lang: 'de', dir: 'ltr' } : undefined;
    return { title: localized(title, locale), fallback };
  }

  private applicationsAttachments(tenant: Tenant, id: string) {
    return this.applications.attachmentsOf(tenant, id);
  }

  private summaryRow({ application, title, firstPage }: ListedApplication, locale: string) {
    return {
      id: application.id,
      number: application.number,
      title: localized(title, locale),
      status: application.status,
      statusLabel: this.i18n.t(locale, `applications.status.${application.status}`),
      draft: application.status === 'draft',
      url:
        application.status === 'draft'
          ? `/antraege/${application.id}/schritt/${application.lastPage ?? firstPage}`
          : `/antraege/${application.id}`,
      updatedAt: this.when(application.updatedAt, locale),
    };
  }

  /** A date (and time) in the page's language, kept left to right inside a right-to-left page. */
  private when(value: Date | string, locale: string, withTime = true): string {
    const date = typeof value === 'string' ? new Date(value) : value;
    const tag = intlLocale(locale);
    const text = withTime
      ? date.toLocaleString(tag, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' })
      : date.toLocaleDateString(tag, { dateStyle: 'long', timeZone: 'Europe/Berlin' });
    return isolateLtr(text, locale);
  }

  /** The tenant and the citizen of a page request; without a session, off to the login page. */
  private async citizen(
    request: FastifyRequest,
    reply: FastifyReply,
  ): Promise<{ tenant: Tenant; session?: CitizenSession }> {
    const tenant = requireTenant(request);
    const session = await this.auth.citizenOf(request);
    if (!session) this.redirect(reply, loginPath(request.url));
    return { tenant, session };
  }

  private redirect(reply: FastifyReply, location: string): undefined {
    return redirectAfterPost(reply, location);
  }

  private render(
    request: FastifyRequest,
    reply: FastifyReply,
    tenant: Tenant,
    view: string,
    title: string,
    data: Record<string, unknown>,
    status = 200,
  ): string {
    const locale = this.context.locale(request, reply, tenant);
    return this.context.personal(request, reply, { tenant, locale, view, title, status }, data);
  }
}
