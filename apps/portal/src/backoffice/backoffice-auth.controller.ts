import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import {
  IdentityError,
  IdentityErrorCode,
  STAFF_SESSION_HOURS,
  StaffAccounts,
  StaffSession,
} from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { ApiErrors } from '../http/api-errors.decorator';
import { setSessionCookie } from '../http/cookies';
import { JsonWriteGuard } from '../http/json-write.guard';
import { PasswordLogin, StaffPasswordGuard } from '../http/pipeline/password-login.guard';
import { STAFF_COOKIE } from '../http/pipeline/staff.guard';
import { StaffLogin } from '../http/pipeline/staff-password.strategy';
import { CurrentTenant, TenantGuard } from '../http/pipeline/tenant.guard';
import { qrCodeDataUrl } from './staff-qr-code';

const NEXT = ['change_password', 'enrol_totp', 'totp'];

class StaffCredentials {
  @ApiProperty({ example: 'admin@gelsenkirchen.de' }) email: string;
  @ApiProperty() password: string;
  @ApiPropertyOptional({
    description: 'the code of the authenticator app (or a recovery code): logs an enrolled account in completely',
    example: '123456',
  })
  code?: string;
}

class StaffView {
  @ApiProperty({
    enum: NEXT,
    nullable: true,
    description:
      'what the login still lacks: change the one-time password (POST /password), enrol an authenticator ' +
      '(POST /totp, /totp/confirm), or send its code (POST /totp/verify); null: logged in',
  })
  next: string | null;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ['caseworker', 'tenant-admin', 'operator'] }) role: string;
  @ApiProperty({ description: 'logged in with the one-time password: change it first (POST /password)' })
  mustChangePassword: boolean;
}

class StaffSessionView extends StaffView {
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ type: [String], description: "the caseworker's offices; empty: all (tenant-admin, operator)" })
  offices: string[];
}

class PasswordChange {
  @ApiProperty({ description: 'the current (or one-time) password' }) password: string;
  @ApiProperty({ description: 'at least 12 characters, not the current one' }) newPassword: string;
}

class CodeBody {
  @ApiProperty({ description: 'six digits from the authenticator app, or a recovery code', example: '123456' })
  code: string;
}

class EnrolmentView {
  @ApiProperty({ example: 'otpauth://totp/Gelsenkirchen%20(OpenRathaus):sb%40gelsenkirchen.de?secret=…' })
  otpauthUri: string;
  @ApiProperty({ description: 'the secret in base32, for typing it into the app by hand' }) secret: string;
  @ApiProperty({ description: 'the URI as a QR code: an SVG data URL' }) qrCode: string;
}

class RecoveryView {
  @ApiProperty({ type: [String], description: 'ten codes, each good once in place of a TOTP code; shown only now' })
  recoveryCodes: string[];
  @ApiProperty({ nullable: true, enum: NEXT, description: 'null: logged in' }) next: null;
}

const view = (session: StaffSession): StaffView => ({
  next: session.next,
  email: session.email,
  role: session.role,
  mustChangePassword: session.mustChangePassword,
});

/**
 * Staff log in on their tenant's host, in steps: the password (the one-time password is replaced
 * first), the enrolment of an authenticator app at the first login, and from then on its code —
 * in the login request itself (`code`) or in a second one (`/totp/verify`). The session cookie is
 * refused on any other tenant; a session opens nothing before the last step (403 naming it).
 */
@ApiTags('backoffice')
@ApiCookieAuth('staff')
@ApiErrors(400, 401, 403, 404, 409, 415, 422)
@Controller('api/v1/backoffice')
@UseGuards(JsonWriteGuard)
export class BackofficeAuthController {
  constructor(
    private readonly staff: StaffAccounts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Staff login: sets an HttpOnly, SameSite=Strict session cookie and names the next step, if any',
  })
  @ApiBody({ type: StaffCredentials })
  @ApiOkResponse({ type: StaffView })
  @UseGuards(TenantGuard, StaffPasswordGuard)
  login(
    @PasswordLogin() { sessionId, session }: StaffLogin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): StaffView {
    this.setCookie(reply, sessionId);
    return view(session);
  }

  @Get('session')
  @ApiOperation({ summary: 'The staff member of the session cookie and the step of the login still missing' })
  @ApiOkResponse({ type: StaffSessionView })
  @UseGuards(TenantGuard)
  async session(@CurrentTenant() tenant: Tenant, @Req() request: FastifyRequest): Promise<StaffSessionView> {
    const session = await this.staff.session(tenant.id, request.cookies[STAFF_COOKIE]);
    if (!session) throw new IdentityError(IdentityErrorCode.NotLoggedIn);
    return { ...view(session), name: session.name, offices: session.offices };
  }

  @Post('password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Replaces the password; the one-time password allows nothing else' })
  @ApiBody({ type: PasswordChange })
  @UseGuards(TenantGuard)
  async password(
    @CurrentTenant() tenant: Tenant,
    @Body() body: Partial<PasswordChange> | undefined,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.staff.changePassword(tenant.id, request.cookies[STAFF_COOKIE], body?.password, body?.newPassword);
  }

  @Post('totp')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'Starts the enrolment of an authenticator app (after the password change): the secret as otpauth URI, ' +
      'QR code and text; the same secret until it is confirmed, never again afterwards',
  })
  @ApiOkResponse({ type: EnrolmentView })
  @UseGuards(TenantGuard)
  async startTotp(@CurrentTenant() tenant: Tenant, @Req() request: FastifyRequest): Promise<EnrolmentView> {
    const { secret, otpauthUri } = await this.staff.startTotpEnrolment(tenant.id, request.cookies[STAFF_COOKIE]);
    return { otpauthUri, secret, qrCode: await qrCodeDataUrl(otpauthUri) };
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Confirms the enrolment with a first code; answers the recovery codes (once) and logs the session in',
  })
  @ApiBody({ type: CodeBody })
  @ApiOkResponse({ type: RecoveryView })
  @UseGuards(TenantGuard)
  async confirmTotp(
    @CurrentTenant() tenant: Tenant,
    @Body() body: Partial<CodeBody> | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<RecoveryView> {
    const done = await this.staff.confirmTotp(tenant.id, request.cookies[STAFF_COOKIE], body?.code);
    this.setCookie(reply, done.sessionId);
    return { recoveryCodes: done.recoveryCodes, next: null };
  }

  @Post('totp/verify')
  @HttpCode(200)
  @ApiOperation({
    summary:
      'The second step of a login: the code of the authenticator app (or a recovery code, once); ' +
      'failures count toward the account lock like wrong passwords, a code is good once',
  })
  @ApiBody({ type: CodeBody })
  @ApiOkResponse({ type: StaffView })
  @UseGuards(TenantGuard)
  async verifyTotp(
    @CurrentTenant() tenant: Tenant,
    @Body() body: Partial<CodeBody> | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StaffView> {
    const { sessionId, session } = await this.staff.verifyCode(tenant.id, request.cookies[STAFF_COOKIE], body?.code);
    this.setCookie(reply, sessionId);
    return view(session);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Ends the staff session' })
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const sessionId = request.cookies[STAFF_COOKIE];
    if (sessionId) await this.staff.logout(sessionId);
    setSessionCookie(reply, STAFF_COOKIE, '', this.config.env === 'production', 0);
  }

  private setCookie(reply: FastifyReply, sessionId: string): void {
    setSessionCookie(reply, STAFF_COOKIE, sessionId, this.config.env === 'production', STAFF_SESSION_HOURS * 3600);
  }
}
