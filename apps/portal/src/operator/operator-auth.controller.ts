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
import { STAFF_SESSION_HOURS } from '@openrathaus/identity';
import {
  OPERATOR_COOKIE,
  OperationsError,
  OperationsErrorCode,
  OperatorAccounts,
  OperatorSession,
} from '@openrathaus/operations';
import { ApiErrors } from '../http/api-errors.decorator';
import { setSessionCookie } from '../http/cookies';
import { JsonWriteGuard } from '../http/json-write.guard';
import { qrCodeDataUrl } from '../backoffice/staff-qr-code';
import { OperatorHostGuard } from './operator.guard';

const NEXT = ['change_password', 'enrol_totp', 'totp'];

class OperatorCredentials {
  @ApiProperty({ example: 'betrieb@gkd-el.de' }) email: string;
  @ApiProperty() password: string;
  @ApiPropertyOptional({ description: 'the code of the authenticator app (or a recovery code)', example: '123456' })
  code?: string;
}

class OperatorView {
  @ApiProperty({ enum: NEXT, nullable: true, description: 'what the login still lacks; null: logged in' })
  next: string | null;
  @ApiProperty() email: string;
  @ApiProperty({ enum: ['operator'] }) role: string;
  @ApiProperty() mustChangePassword: boolean;
}

class OperatorPasswordChange {
  @ApiProperty() password: string;
  @ApiProperty({ description: 'at least 12 characters, not the current one' }) newPassword: string;
}

class OperatorCodeBody {
  @ApiProperty({ example: '123456' }) code: string;
}

class OperatorEnrolmentView {
  @ApiProperty() otpauthUri: string;
  @ApiProperty() secret: string;
  @ApiProperty({ description: 'the URI as a QR code: an SVG data URL' }) qrCode: string;
}

class OperatorRecoveryView {
  @ApiProperty({ type: [String] }) recoveryCodes: string[];
  @ApiProperty({ nullable: true, enum: NEXT }) next: null;
}

const view = (session: OperatorSession): OperatorView => ({
  next: session.next,
  email: session.email,
  role: 'operator',
  mustChangePassword: session.mustChangePassword,
});

/**
 * Operators log in on the console's host exactly as staff do in the back office: password (the
 * one-time password replaced first), an authenticator app enrolled at the first login, its code.
 * The session cookie is host-only: it goes to the console's host and nowhere else.
 */
@ApiTags('operator')
@ApiCookieAuth('operator')
@ApiErrors(400, 401, 403, 404, 409, 415, 422)
@Controller('api/v1/operator')
@UseGuards(OperatorHostGuard, JsonWriteGuard)
export class OperatorAuthController {
  constructor(
    private readonly operators: OperatorAccounts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Operator login, as the back office login: sets the session cookie, names the next step' })
  @ApiBody({ type: OperatorCredentials })
  @ApiOkResponse({ type: OperatorView })
  async login(
    @Body() body: Partial<OperatorCredentials> | undefined,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OperatorView> {
    const { sessionId, session } = await this.operators.login(body?.email, body?.password, body?.code);
    this.setCookie(reply, sessionId);
    return view(session);
  }

  @Get('session')
  @ApiOperation({ summary: 'The operator of the session cookie and the step of the login still missing' })
  @ApiOkResponse({ type: OperatorView })
  async session(@Req() request: FastifyRequest): Promise<OperatorView> {
    const session = await this.operators.session(request.cookies[OPERATOR_COOKIE]);
    if (!session) throw new OperationsError(OperationsErrorCode.NotLoggedIn);
    return view(session);
  }

  @Post('password')
  @HttpCode(204)
  @ApiOperation({ summary: 'Replaces the password; the one-time password allows nothing else' })
  @ApiBody({ type: OperatorPasswordChange })
  async password(
    @Body() body: Partial<OperatorPasswordChange> | undefined,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    await this.operators.changePassword(request.cookies[OPERATOR_COOKIE], body?.password, body?.newPassword);
  }

  @Post('totp')
  @HttpCode(200)
  @ApiOperation({ summary: 'Starts the enrolment of an authenticator app (after the password change)' })
  @ApiOkResponse({ type: OperatorEnrolmentView })
  async startTotp(@Req() request: FastifyRequest): Promise<OperatorEnrolmentView> {
    const { secret, otpauthUri } = await this.operators.startTotpEnrolment(request.cookies[OPERATOR_COOKIE]);
    return { otpauthUri, secret, qrCode: await qrCodeDataUrl(otpauthUri) };
  }

  @Post('totp/confirm')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirms the enrolment with a first code; answers the recovery codes (once)' })
  @ApiBody({ type: OperatorCodeBody })
  @ApiOkResponse({ type: OperatorRecoveryView })
  async confirmTotp(
    @Body() body: Partial<OperatorCodeBody> | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OperatorRecoveryView> {
    const done = await this.operators.confirmTotp(request.cookies[OPERATOR_COOKIE], body?.code);
    this.setCookie(reply, done.sessionId);
    return { recoveryCodes: done.recoveryCodes, next: null };
  }

  @Post('totp/verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'The second step of a login: the code of the authenticator app (or a recovery code)' })
  @ApiBody({ type: OperatorCodeBody })
  @ApiOkResponse({ type: OperatorView })
  async verifyTotp(
    @Body() body: Partial<OperatorCodeBody> | undefined,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<OperatorView> {
    const { sessionId, session } = await this.operators.verifyCode(request.cookies[OPERATOR_COOKIE], body?.code);
    this.setCookie(reply, sessionId);
    return view(session);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Ends the operator session' })
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.operators.logout(request.cookies[OPERATOR_COOKIE]);
    setSessionCookie(reply, OPERATOR_COOKIE, '', this.config.env === 'production', 0);
  }

  private setCookie(reply: FastifyReply, sessionId: string): void {
    setSessionCookie(reply, OPERATOR_COOKIE, sessionId, this.config.env === 'production', STAFF_SESSION_HOURS * 3600);
  }
}
