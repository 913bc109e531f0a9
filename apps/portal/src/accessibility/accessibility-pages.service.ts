import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BackofficeError } from '@openrathaus/backoffice';
import type { FieldFault } from '@openrathaus/core';
import { I18n, intlLocale, isolateLtr, localized } from '@openrathaus/i18n';
import { IdentityError } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { CitizenAuth, requireTenant } from '../http/citizen-auth';
import { ErrorResponder } from '../http/error-responder.service';
import { PageContext } from '../http/page-context.service';

/**
 * The enforcement body for public bodies of North Rhine-Westphalia (§§ 10d, 10e BGG NRW, §§ 9 ff.
 * BITV NRW), at the Landesbeauftragte für Menschen mit Behinderung.
 */
export const NRW_ENFORCEMENT = {
  name: 'Ombudsstelle für barrierefreie Informationstechnik des Landes Nordrhein-Westfalen',
  url: 'https://www.lbbp.nrw.de/ombudsstelle',
  email: 'ombudsstelle-barrierefreie-it@mags.nrw.de',
} as const;

/** When the platform's pages were last checked (axe-core on every page type, keyboard-only journey). */
export const PLATFORM_STATEMENT_DATE = '2026-12-07';

/** Barriers of the platform itself, known to every tenant's statement. */
const PLATFORM_GAPS = ['a11y.gap.translations', 'a11y.gap.pdf', 'a11y.gap.video'];

const FIELDS = [
  { name: 'page', type: 'text', maxlength: 500, autocomplete: 'off' },
  { name: 'description', type: 'textarea', maxlength: 5000 },
  { name: 'email', type: 'email', maxlength: 254, autocomplete: 'email', optional: true },
] as const;

/** The accessibility statement of a tenant with its feedback form, in the visitor's language. */
@Injectable()
export class AccessibilityPages {
  constructor(
    private readonly pages: PageContext,
    private readonly i18n: I18n,
    private readonly auth: CitizenAuth,
    private readonly errors: ErrorResponder,
  ) {}

  /** The statement; after a refused report its faults (field errors, a missing token) and the values sent. */
  async render(
    request: FastifyRequest,
    reply: FastifyReply,
    outcome: { sent?: boolean; error?: unknown; values?: Record<string, unknown> } = {},
  ): Promise<string> {
    const tenant = requireTenant(request);
    const locale = this.pages.locale(request, reply, tenant);
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    let faults: FieldFault[] = [];
    const problems: { href?: string; message: string }[] = [];
    const { error } = outcome;
    if (error instanceof BackofficeError) faults = error.fields;
    else if (error instanceof IdentityError) problems.push({ message: t(`errors.${error.code}`) });
    else if (error instanceof Error) throw error;
    const label = (name: string) => t(`a11y.form.${name}`);
    const message = (fault: FieldFault) => this.errors.fieldMessage(locale, { ...fault, field: label(fault.field) });
    for (const fault of faults) problems.push({ href: `#f-${fault.field}`, message: message(fault) });
    const query = (request.query ?? {}) as Record<string, unknown>;
    const values = outcome.values ?? { page: typeof query.seite === 'string' ? query.seite : '' };
    const fields = FIELDS.map((f) => {
      const fault = faults.find((x) => x.field === f.name);
      const id = `f-${f.name}`;
      const hint = t(`a11y.form.${f.name}.hint`);
      return {
        ...f,
        id,
        label: label(f.name),
        hint,
        textarea: f.type === 'textarea',
        optional: 'optional' in f,
        value: typeof values[f.name] === 'string' ? (values[f.name] as string).slice(0, f.maxlength) : '',
        error: fault && message(fault),
        describedBy: [`${id}-hint`, fault ? `${id}-error` : ''].filter(Boolean).join(' '),
      };
    });
    const title = problems.length ? `${t('forms.errors.title')}: ${t('a11y.title')}` : t('a11y.title');
    return this.pages.personal(
      request,
      reply,
      { tenant, locale, view: 'accessibility', title, status: problems.length ? 400 : 200 },
      {
        statement: this.statement(tenant, locale),
        form: {
          csrf: this.auth.csrfToken(request, reply, await this.auth.citizenOf(request)),
          fields,
          problems,
          sent: outcome.sent === true,
        },
      },
    );
  }

  private statement(tenant: Tenant, locale: string) {
    const t = (key: string, params?: Record<string, unknown>) => this.i18n.t(locale, key, params);
    const a11y = tenant.config.accessibility ?? {};
    const conformity = a11y.conformity ?? 'partial';
    const day = a11y.statementDate ?? PLATFORM_STATEMENT_DATE;
    const date = isolateLtr(
      new Date(`${day}T12:00:00Z`).toLocaleDateString(intlLocale(locale), { dateStyle: 'long', timeZone: 'UTC' }),
      locale,
    );
    const email = a11y.feedbackEmail ?? tenant.config.contact?.email;
    return {
      name: tenant.config.name ?? tenant.name,
      conformity: t(`a11y.conformity.${conformity}`),
      method: localized(a11y.method, locale) || t('a11y.method.default'),
      gaps: [...PLATFORM_GAPS.map((key) => t(key)), ...(a11y.knownGaps ?? []).map((g) => localized(g, locale))],
      date,
      contact: { email, phone: tenant.config.contact?.phone },
      enforcement: NRW_ENFORCEMENT,
    };
  }
}
