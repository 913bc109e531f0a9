import { Body, Controller, Get, Param, Post, Query, Req, Res, UseGuards } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { DomainError } from '@openrathaus/core';
import { intlLocale } from '@openrathaus/i18n';
import { bodyFields } from '@openrathaus/identity';
import {
  InstanceHealth,
  OperatorQueues,
  type OperatorSession,
  SupportCase,
  SupportLookup,
  UsageReport,
  currentMonth,
} from '@openrathaus/operations';
import { ErrorResponder } from '../http/error-responder.service';
import { CurrentOperator, OperatorGuard, checkOperatorCsrf } from './operator.guard';
import { OperatorPages } from './operator-pages.service';

const QUEUE_ACTIONS = { wiederholen: 'retry', verwerfen: 'discard' } as const;

/** Dates and times as people in the municipalities read them. */
const when = (locale: string, value: Date | null | undefined): string =>
  value
    ? new Intl.DateTimeFormat(intlLocale(locale), {
        timeZone: 'Europe/Berlin',
        dateStyle: 'medium',
        timeStyle: 'medium',
      }).format(value)
    : '–';

const bytes = (n: number): string =>
  n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(1)} MB` : n >= 1024 ? `${(n / 1024).toFixed(1)} kB` : `${n} B`;

const euros = (locale: string, cents: number): string =>
  new Intl.NumberFormat(intlLocale(locale), { style: 'currency', currency: 'EUR' }).format(cents / 100);

/**
 * The console's monitoring pages, without JavaScript: the instances' health, the queues with
 * their failed jobs (retry, discard), usage per tenant and month, support's search.
 */
@ApiExcludeController()
@Controller('konsole')
@UseGuards(OperatorGuard)
export class OperatorMonitoringPagesController {
  constructor(
    private readonly pages: OperatorPages,
    private readonly health: InstanceHealth,
    private readonly queues: OperatorQueues,
    private readonly usage: UsageReport,
    private readonly support: SupportLookup,
    private readonly responder: ErrorResponder,
  ) {}

  @Get('instanzen')
  async instances(
    @CurrentOperator() session: OperatorSession,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { t, locale } = this.pages.page(request, reply);
    const report = await this.health.list();
    return this.pages.render(
      request,
      reply,
      'operator-health',
      { title: t('operator.nav.health'), session, current: 'health' },
      {
        intro: t('operator.health.intro', { seconds: report.heartbeatSeconds, stale: report.staleAfterSeconds }),
        checked: t('operator.health.checked', { at: when(locale, report.checkedAt) }),
        instances: report.instances.map((i) => ({
          ...i,
          startedAt: when(locale, i.startedAt),
          lastSeen: when(locale, i.lastSeen),
          state: i.stale ? t('operator.health.stale', { seconds: i.silentSeconds }) : t('operator.health.live'),
        })),
      },
    );
  }

  @Get('warteschlangen')
  async queueList(
    @CurrentOperator() session: OperatorSession,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { t } = this.pages.page(request, reply);
    const queues = await this.queues.overview();
    return this.pages.render(
      request,
      reply,
      'operator-queues',
      { title: t('operator.nav.queues'), session, current: 'queues' },
      {
        queues: queues.map((q) => ({
          ...q,
          href: `/konsole/warteschlangen/${encodeURIComponent(q.queue)}`,
          failedLabel: t('operator.queues.show_failed', { queue: q.queue }),
        })),
        sampled: queues.some((q) => q.sampled),
      },
    );
  }

  @Get('warteschlangen/:queue')
  async failedJobs(
    @CurrentOperator() session: OperatorSession,
    @Param('queue') queue: string,
    @Query('tenant') tenant: unknown,
    @Query('done') done: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.renderFailed(
      session,
      queue,
      typeof tenant === 'string' && tenant ? tenant : undefined,
      request,
      reply,
      {
        done: done === 'retry' || done === 'discard' ? done : undefined,
      },
    );
  }

  @Post('warteschlangen/:queue/:job/:action')
  async jobAction(
    @CurrentOperator() session: OperatorSession,
    @Param('queue') queue: string,
    @Param('job') job: string,
    @Param('action') action: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const what = QUEUE_ACTIONS[action as keyof typeof QUEUE_ACTIONS];
    try {
      checkOperatorCsrf(request, session, body);
      if (!what) return this.after(reply, `/konsole/warteschlangen/${encodeURIComponent(queue)}`);
      if (what === 'retry') await this.queues.retry(session, queue, job);
      else await this.queues.discard(session, queue, job);
      return this.after(reply, `/konsole/warteschlangen/${encodeURIComponent(queue)}?done=${what}`);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.renderFailed(session, queue, undefined, request, reply, { error });
    }
  }

  @Get('nutzung')
  async usagePage(
    @CurrentOperator() session: OperatorSession,
    @Query('month') month: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { t, locale } = this.pages.page(request, reply);
    const wanted = month === undefined || month === '' ? currentMonth() : month;
    const options = { title: t('operator.nav.usage'), session, current: 'usage' };
    try {
      const report = await this.usage.month(wanted);
      const format = (r: (typeof report)['totals']) => ({
        ...r,
        paid: euros(locale, r.paidCents),
        storage: bytes(r.storageBytes),
      });
      return this.pages.render(request, reply, 'operator-usage', options, {
        month: report.month,
        caption: t('operator.usage.caption', { month: report.month }),
        csvHref: `/konsole/nutzung.csv?month=${report.month}`,
        tenants: report.tenants.map((r) => ({ ...format(r), tenant: r.tenant, name: r.name })),
        totals: format(report.totals),
      });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const body = this.responder.body(error, request);
      return this.pages.render(
        request,
        reply,
        'operator-usage',
        { ...options, status: body.statusCode },
        {
          month: typeof month === 'string' ? month.slice(0, 20) : '',
          monthError: body.errors?.[0]?.message ?? body.message,
        },
      );
    }
  }

  @Get('nutzung.csv')
  async usageCsv(
    @CurrentOperator() session: OperatorSession,
    @Query('month') month: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const exported = await this.usage.export(session, month === undefined ? currentMonth() : month);
    void reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('cache-control', 'no-store')
      .header('content-disposition', `attachment; filename="nutzung-${exported.month}.csv"`);
    return exported.csv;
  }

  @Get('support')
  supportForm(
    @CurrentOperator() session: OperatorSession,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    return this.renderSupport(session, request, reply, {});
  }

  @Post('support')
  async supportSearch(
    @CurrentOperator() session: OperatorSession,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const fields = bodyFields(body);
    const values = {
      number: typeof fields.number === 'string' ? fields.number.slice(0, 40) : '',
      reason: typeof fields.reason === 'string' ? fields.reason.slice(0, 500) : '',
    };
    try {
      checkOperatorCsrf(request, session, body);
      const cases = await this.support.find(session, fields);
      return this.renderSupport(session, request, reply, { values, cases, searched: true });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.renderSupport(session, request, reply, { values, error });
    }
  }

  private async renderFailed(
    session: OperatorSession,
    queue: string,
    tenant: string | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
    extra: { done?: 'retry' | 'discard'; error?: DomainError },
  ) {
    const { t, locale } = this.pages.page(request, reply);
    const jobs = await this.queues.failed(queue, tenant);
    const problem = extra.error ? this.responder.body(extra.error, request) : undefined;
    return this.pages.render(
      request,
      reply,
      'operator-queue-failed',
      {
        title: t('operator.queues.failed_title', { queue }),
        session,
        current: 'queues',
        status: problem?.statusCode,
      },
      {
        queue,
        csrf: session.csrfToken,
        done: extra.done
          ? t(extra.done === 'retry' ? 'operator.queues.retried' : 'operator.queues.discarded')
          : undefined,
        problem: problem?.message,
        jobs: jobs.map((job) => ({
          ...job,
          failedAt: when(locale, job.failedAt),
          base: `/konsole/warteschlangen/${encodeURIComponent(queue)}/${encodeURIComponent(job.id)}`,
          retryLabel: t('operator.queues.retry_label', { job: job.id }),
          discardLabel: t('operator.queues.discard_label', { job: job.id }),
        })),
      },
    );
  }

  private renderSupport(
    session: OperatorSession,
    request: FastifyRequest,
    reply: FastifyReply,
    state: {
      values?: { number: string; reason: string };
      cases?: SupportCase[];
      searched?: boolean;
      error?: DomainError;
    },
  ) {
    const { t, locale } = this.pages.page(request, reply);
    const problem = state.error ? this.responder.body(state.error, request) : undefined;
    const fieldError = (field: string) => problem?.errors?.find((e) => e.field === field)?.message;
    return this.pages.render(
      request,
      reply,
      'operator-support',
      { title: t('operator.nav.support'), session, current: 'support', status: problem?.statusCode },
      {
        csrf: session.csrfToken,
        values: state.values ?? { number: '', reason: '' },
        problems: problem
          ? (problem.errors?.map((e) => ({ href: `#support-${e.field}`, message: e.message })) ?? [
              { message: problem.message },
            ])
          : [],
        numberError: fieldError('number'),
        reasonError: fieldError('reason'),
        none:
          state.searched && !state.cases?.length
            ? t('operator.support.none', { number: state.values?.number })
            : undefined,
        cases: (state.cases ?? []).map((c) => ({
          ...c,
          heading: t('operator.support.case', { number: c.number, tenant: c.tenantName }),
          createdAt: when(locale, c.createdAt),
          submittedAt: when(locale, c.submittedAt),
          statusChangedAt: when(locale, c.statusChangedAt),
          history: c.history.map((h) => ({ ...h, at: when(locale, h.at) })),
        })),
      },
    );
  }

  /** Post, redirect, get: a reload does not post again. */
  private after(reply: FastifyReply, location: string): string {
    void reply.code(303).header('location', location);
    return '';
  }
}
