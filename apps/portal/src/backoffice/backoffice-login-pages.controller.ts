import { Body, Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { StaffAccounts, bodyFields, groupedTotpSecret } from '@openrathaus/identity';
import { STAFF_COOKIE, checkStaffCsrf } from '../http/pipeline/staff.guard';
import { BackofficePages, StaffField, StaffPage, stepPath } from './backoffice-login-pages.service';
import { qrCodeDataUrl } from './staff-qr-code';

const EMAIL: StaffField = { name: 'email', type: 'email', autocomplete: 'username', maxlength: 254 };
const PASSWORD: StaffField = { name: 'password', type: 'password', autocomplete: 'current-password', maxlength: 1024 };
const NEW_PASSWORD: StaffField = {
  name: 'newPassword',
  type: 'password',
  autocomplete: 'new-password',
  maxlength: 1024,
  hint: 'backoffice.field.newPassword.hint',
};
const CODE: StaffField = {
  name: 'code',
  type: 'text',
  autocomplete: 'one-time-code',
  inputmode: 'numeric',
  maxlength: 32,
  hint: 'backoffice.field.code.hint',
};

/**
 * The staff login as pages, without JavaScript: e-mail and password, then what the login still
 * lacks (new password, enrolment of an authenticator app, its code), each a page of its own that
 * posts back with a CSRF token; at the end the inbox (`/backoffice`).
 */
@ApiExcludeController()
@Controller('backoffice')
export class BackofficeLoginPagesController {
  constructor(
    private readonly staff: StaffAccounts,
    private readonly views: BackofficePages,
  ) {}

  @Get('login')
  async loginForm(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    if (page.session) return this.views.after(reply, stepPath(page.session.next));
    return this.loginPage(page, undefined);
  }

  @Post('login')
  async login(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    const fields = bodyFields(body);
    try {
      this.views.checkLoginCsrf(page, body);
      const { sessionId, session } = await this.staff.login(page.tenant.id, fields.email, fields.password);
      this.views.setCookie(page, sessionId);
      return this.views.after(reply, stepPath(session.next));
    } catch (error) {
      return this.loginPage(page, error, fields);
    }
  }

  @Get('passwort')
  async passwordForm(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    if (!page.session || (page.session.next !== 'change_password' && page.session.next !== null))
      return this.views.after(reply, this.elsewhere(page));
    return this.passwordPage(page, undefined);
  }

  @Post('passwort')
  async password(
    @Body() body: unknown,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const page = await this.views.page(request, reply);
    if (!page.session) return this.views.after(reply, '/backoffice/login');
    const fields = bodyFields(body);
    try {
      checkStaffCsrf(request, page.session, body);
      const session = await this.staff.changePassword(
        page.tenant.id,
        request.cookies[STAFF_COOKIE],
        fields.password,
        fields.newPassword,
      );
      return this.views.after(reply, stepPath(session.next));
    } catch (error) {
      return this.passwordPage(page, error);
    }
  }

  @Get('zwei-faktor/einrichten')
  async enrolForm(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    if (page.session?.next !== 'enrol_totp') return this.views.after(reply, this.elsewhere(page));
    return this.enrolPage(page, undefined);
  }

  @Post('zwei-faktor/einrichten')
  async enrol(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    if (page.session?.next !== 'enrol_totp') return this.views.after(reply, this.elsewhere(page));
    try {
      checkStaffCsrf(request, page.session, body);
      const done = await this.staff.confirmTotp(page.tenant.id, request.cookies[STAFF_COOKIE], bodyFields(body).code);
      this.views.setCookie(page, done.sessionId);
      const title = page.t('backoffice.recovery.title');
      return this.views.render({ ...page, session: done.session }, 200, 'backoffice-totp', title, {
        recovery: { codes: done.recoveryCodes },
      });
    } catch (error) {
      return this.enrolPage(page, error);
    }
  }

  @Get('zwei-faktor')
  async codeForm(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    if (page.session?.next !== 'totp') return this.views.after(reply, this.elsewhere(page));
    return this.codePage(page, undefined);
  }

  @Post('zwei-faktor')
  async code(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    if (page.session?.next !== 'totp') return this.views.after(reply, this.elsewhere(page));
    try {
      checkStaffCsrf(request, page.session, body);
      const { sessionId } = await this.staff.verifyCode(
        page.tenant.id,
        request.cookies[STAFF_COOKIE],
        bodyFields(body).code,
      );
      this.views.setCookie(page, sessionId);
      return this.views.after(reply, '/backoffice');
    } catch (error) {
      return this.codePage(page, error);
    }
  }

  @Post('logout')
  async logout(@Body() body: unknown, @Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const page = await this.views.page(request, reply);
    if (page.session) {
      checkStaffCsrf(request, page.session, body);
      await this.staff.logout(request.cookies[STAFF_COOKIE] ?? '');
    }
    this.views.clearCookie(page);
    return this.views.after(reply, '/backoffice/login');
  }

  /** Where a session belongs when it asks for a step that is not its own. */
  private elsewhere(page: StaffPage): string {
    return page.session ? stepPath(page.session.next) : '/backoffice/login';
  }

  private loginPage(page: StaffPage, outcome: unknown, values: Record<string, unknown> = {}): string {
    const spec = {
      key: 'login',
      action: '/backoffice/login',
      fields: [EMAIL, PASSWORD],
      csrf: this.views.loginCsrf(page),
    };
    const { status, form, title } = this.views.form({ ...page, session: undefined }, spec, outcome, values);
    return this.views.render({ ...page, session: undefined }, status, 'backoffice-login', title, { form });
  }

  private passwordPage(page: StaffPage, outcome: unknown): string {
    const spec = {
      key: 'password',
      action: '/backoffice/passwort',
      fields: [{ ...PASSWORD, name: 'password' }, NEW_PASSWORD],
      csrf: page.session!.csrfToken,
    };
    const { status, form, title } = this.views.form(page, spec, outcome);
    return this.views.render(page, status, 'backoffice-login', title, { form });
  }

  private async enrolPage(page: StaffPage, outcome: unknown): Promise<string> {
    const { secret, otpauthUri } = await this.staff.startTotpEnrolment(
      page.tenant.id,
      page.request.cookies[STAFF_COOKIE],
    );
    const spec = {
      key: 'totp.enrol',
      action: '/backoffice/zwei-faktor/einrichten',
      fields: [CODE],
      csrf: page.session!.csrfToken,
    };
    const { status, form, title } = this.views.form(page, spec, outcome);
    return this.views.render(page, status, 'backoffice-totp', title, {
      form,
      enrolment: { qrCode: await qrCodeDataUrl(otpauthUri), groupedSecret: groupedTotpSecret(secret) },
    });
  }

  private codePage(page: StaffPage, outcome: unknown): string {
    const spec = { key: 'totp.code', action: '/backoffice/zwei-faktor', fields: [CODE], csrf: page.session!.csrfToken };
    const { status, form, title } = this.views.form(page, spec, outcome);
    return this.views.render(page, status, 'backoffice-login', title, { form });
  }
}
