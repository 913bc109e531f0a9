import { Body, Controller, Get, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StaffAccounts, StaffAdministration, StaffSession, bodyFields } from '@openrathaus/identity';
import { STAFF_COOKIE, checkStaffCsrf } from '../http/pipeline/staff.guard';
import { BackofficePages, StaffPage, stepPath } from './backoffice-login-pages.service';

const ACTIONS = ['sperren', 'entsperren', 'zwei-faktor-zuruecksetzen', 'dienststellen'] as const;
type Action = (typeof ACTIONS)[number];

/** A form field that may come once or several times (checkboxes) as a list of strings. */
const list = (value: unknown): unknown[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/**
 * The tenant admin's staff pages, without JavaScript: the list with each account's offices and
 * state, a form to add a caseworker (its one-time password shown once), and per account the
 * forms to disable or enable it, change its offices and reset a lost authenticator.
 */
@ApiExcludeController()
@Controller('backoffice/mitarbeitende')
export class StaffPagesController {
  constructor(
    private readonly staff: StaffAccounts,
    private readonly administration: StaffAdministration,
    private readonly views: BackofficePages,
  ) {}

  @Get()
  async list(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    const admin = await this.admin(page);
    if (!admin) return this.views.after(reply, page.session ? stepPath(page.session.next) : '/backoffice/login');
    const done = (request.query as Record<string, unknown>)?.done;
    return this.render(page, admin, undefined, {}, typeof done === 'string' ? done : undefined);
  }

  @Post()
  async add(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    const admin = await this.admin(page);
    if (!admin) return this.views.after(reply, '/backoffice/login');
    const fields = bodyFields(body);
    try {
      checkStaffCsrf(request, admin, body);
      const added = await this.administration.add(admin, {
        email: fields.email,
        name: fields.name,
        offices: list(fields.offices),
      });
      const email = String(fields.email).trim().toLowerCase();
      return this.views.render(
        page,
        201,
        'backoffice-staff-added',
        page.t('backoffice.staff.added.title'),
        {
          added: { email, password: added.password, id: added.id },
        },
        'mitarbeitende',
      );
    } catch (error) {
      return this.render(page, admin, error, fields);
    }
  }

  @Post(':id/:action')
  async change(
    @Param('id') id: string,
    @Param('action') action: string,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = await this.views.page(request, reply);
    const admin = await this.admin(page);
    if (!admin) return this.views.after(reply, '/backoffice/login');
    try {
      checkStaffCsrf(request, admin, body);
      if (!ACTIONS.includes(action as Action)) return this.views.after(reply, '/backoffice/mitarbeitende');
      const a = action as Action;
      if (a === 'sperren') await this.administration.disable(admin, id);
      if (a === 'entsperren') await this.administration.enable(admin, id);
      if (a === 'zwei-faktor-zuruecksetzen') await this.administration.resetTotp(admin, id);
      if (a === 'dienststellen') await this.administration.setOffices(admin, id, list(bodyFields(body).offices));
      return this.views.after(reply, `/backoffice/mitarbeitende?done=${a}`);
    } catch (error) {
      return this.render(page, admin, error);
    }
  }

  /** The tenant admin of the page; a caseworker gets the 403 page, a session not complete its step. */
  private async admin(page: StaffPage): Promise<StaffSession | undefined> {
    if (!page.session || page.session.next !== null) return undefined;
    return this.staff.require(page.tenant.id, page.request.cookies[STAFF_COOKIE], ['tenant-admin']);
  }

  private async render(
    page: StaffPage,
    admin: StaffSession,
    outcome: unknown,
    values: Record<string, unknown> = {},
    done?: string,
  ): Promise<string> {
    const offices = page.tenant.config.offices ?? [];
    const officeName = (id: string) => offices.find((o) => o.id === id)?.name ?? id;
    const members = await this.staff.members(page.tenant.id);
    const spec = {
      key: 'staff.add',
      action: '/backoffice/mitarbeitende',
      csrf: admin.csrfToken,
      fields: [
        { name: 'name', type: 'text' as const, autocomplete: 'off', maxlength: 200, required: false },
        { name: 'email', type: 'email' as const, autocomplete: 'off', maxlength: 254 },
      ],
    };
    const { status, form, title } = this.views.form(page, spec, outcome, values);
    const chosen = list(values.offices);
    return this.views.render(
      page,
      status,
      'backoffice-staff',
      title === form.heading ? page.t('backoffice.staff.title') : title,
      {
        form,
        done: done && ACTIONS.includes(done as Action) ? page.t(`backoffice.staff.done.${done}`) : undefined,
        offices: offices.map((o) => ({ id: o.id, name: o.name, checked: chosen.includes(o.id) })),
        members: members.map((m) => ({
          ...m,
          own: m.id === admin.staffId,
          roleLabel: page.t(`backoffice.role.${m.role}`),
          officeNames:
            m.role === 'caseworker' ? m.offices.map(officeName).join(', ') : page.t('backoffice.staff.allOffices'),
          caseworker: m.role === 'caseworker',
          officeChoices: offices.map((o) => ({ id: o.id, name: o.name, checked: m.offices.includes(o.id) })),
        })),
      },
      'mitarbeitende',
    );
  }
}
