import { Body, Controller, Get, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBody,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import {
  CitizenAccounts,
  CitizenRealms,
  CitizenSession,
  CitizenSessions,
  TRUST_LEVELS,
  bodyFields,
} from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { ApiErrors } from '../http/api-errors.decorator';
import { CITIZEN_COOKIE, CitizenAuth } from '../http/citizen-auth';
import { JsonWriteGuard } from '../http/json-write.guard';
import { Citizen, CitizenGuard } from '../http/pipeline/citizen.guard';
import { CurrentTenant, TenantGuard } from '../http/pipeline/tenant.guard';
import { CitizenLogin } from '../http/pipeline/citizen-password.strategy';
import { CitizenPasswordGuard, PasswordLogin } from '../http/pipeline/password-login.guard';
import { PageContext } from '../http/page-context.service';

class Registration {
  @ApiProperty({ example: 'erika.mustermann@example.org' }) email: string;
  @ApiProperty({ description: 'at least 12 characters' }) password: string;
  @ApiProperty({ example: 'Erika Mustermann' }) name: string;
}

class Credentials {
  @ApiProperty({ example: 'erika.mustermann@example.org' }) email: string;
  @ApiProperty() password: string;
}

class TokenBody {
  @ApiProperty({ description: 'the token from the link in the e-mail' }) token: string;
}

class EmailBody {
  @ApiProperty({ example: 'erika.mustermann@example.org' }) email: string;
}

class NewPassword {
  @ApiProperty({ description: 'the token from the link in the e-mail' }) token: string;
  @ApiProperty({ description: 'at least 12 characters' }) password: string;
}

class Accepted {
  @ApiProperty({ enum: ['mail_sent'] }) status: 'mail_sent';
}

class Verified {
  @ApiProperty() verified: boolean;
}

class CitizenView {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty() name: string;
  @ApiProperty({ enum: TRUST_LEVELS, description: 'of this session; raised by /konto/identitaet' })
  trustLevel: string;
  @ApiProperty({ description: 'slug of the realm (the region for its members)' }) realm: string;
  @ApiProperty() expiresAt: string;
}

/**
 * Citizen accounts over JSON: register, verify, login, logout, password reset. Accounts belong to
 * the realm (the region for its members), sessions to the realm too; the session cookie is
 * `or_citizen` (HttpOnly, SameSite=Lax). Answers never tell whether an address has an account.
 */
@ApiTags('auth')
@ApiErrors(400, 401, 403, 404, 415, 422)
@Controller('api/v1/auth')
@UseGuards(JsonWriteGuard)
export class AuthController {
  constructor(
    private readonly auth: CitizenAuth,
    private readonly accounts: CitizenAccounts,
    private readonly sessions: CitizenSessions,
    private readonly realms: CitizenRealms,
    private readonly pages: PageContext,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('register')
  @HttpCode(201)
  @ApiOperation({
    summary: 'Registers an account and mails a link that confirms the address',
    description: 'Answers the same whether or not the address has an account (then a mail says so).',
  })
  @ApiBody({ type: Registration })
  @ApiCreatedResponse({ type: Accepted })
  @UseGuards(TenantGuard)
  async register(
    @CurrentTenant() tenant: Tenant,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<Accepted> {
    await this.accounts.register(tenant, bodyFields(body), this.info(request, tenant));
    return { status: 'mail_sent' };
  }

  @Post('verify')
  @HttpCode(200)
  @ApiOperation({ summary: 'Confirms the e-mail address with the token from the mail' })
  @ApiBody({ type: TokenBody })
  @ApiOkResponse({ type: Verified })
  @UseGuards(TenantGuard)
  async verify(@CurrentTenant() tenant: Tenant, @Body() body: unknown): Promise<Verified> {
    await this.accounts.verify(tenant, bodyFields(body).token);
    return { verified: true };
  }

  @Post('login')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Logs in: sets the session cookie or_citizen',
    description:
      'identity.invalid_credentials (401) for a wrong password, an unknown address, a locked account or a ' +
      'throttled client alike; identity.email_not_verified (403) until the address is confirmed.',
  })
  @ApiBody({ type: Credentials })
  @ApiOkResponse({ type: CitizenView })
  @UseGuards(TenantGuard, CitizenPasswordGuard)
  async login(
    @CurrentTenant() tenant: Tenant,
    @PasswordLogin() { session }: CitizenLogin,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<CitizenView> {
    // The new login replaces the session this browser had.
    await this.sessions.end(request.cookies[CITIZEN_COOKIE]);
    this.auth.startCitizenSession(request, reply, session);
    return this.view(tenant, session);
  }

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Ends this session' })
  @ApiNoContentResponse()
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    await this.sessions.end(request.cookies[CITIZEN_COOKIE]);
    this.auth.clearCitizenCookie(request, reply);
  }

  @Post('logout-everywhere')
  @HttpCode(204)
  @ApiOperation({ summary: 'Ends every session of the account, on every device' })
  @ApiNoContentResponse()
  @UseGuards(CitizenGuard)
  async logoutEverywhere(
    @Citizen() session: CitizenSession,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.accounts.logoutEverywhere(session);
    this.auth.clearCitizenCookie(request, reply);
  }

  @Post('password-reset')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Mails a link to set a new password',
    description: 'Answers the same whether or not the address has an account.',
  })
  @ApiBody({ type: EmailBody })
  @ApiAcceptedResponse({ type: Accepted })
  @UseGuards(TenantGuard)
  async passwordReset(
    @CurrentTenant() tenant: Tenant,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<Accepted> {
    await this.accounts.requestPasswordReset(tenant, bodyFields(body).email, this.info(request, tenant));
    return { status: 'mail_sent' };
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  @ApiOperation({
    summary: 'Sets the new password with the token from the mail',
    description: 'Confirms the address too; every other session of the account ends.',
  })
  @ApiBody({ type: NewPassword })
  @ApiNoContentResponse()
  @UseGuards(TenantGuard)
  async passwordResetConfirm(
    @CurrentTenant() tenant: Tenant,
    @Body() body: unknown,
    @Req() request: FastifyRequest,
  ): Promise<void> {
    const fields = bodyFields(body);
    await this.accounts.resetPassword(tenant, fields.token, fields.password, request.cookies[CITIZEN_COOKIE]);
  }

  @Get('me')
  @ApiOperation({ summary: 'The logged-in citizen and the trust level of this session' })
  @ApiOkResponse({ type: CitizenView })
  @UseGuards(CitizenGuard)
  me(@CurrentTenant() tenant: Tenant, @Citizen() session: CitizenSession): CitizenView {
    // Personal: the host hook's Cache-Control: no-store stays.
    return this.view(tenant, session);
  }

  private info(request: FastifyRequest, tenant: Tenant) {
    return { client: request.ip, locale: this.pages.locale(request, undefined, tenant) };
  }

  private view(tenant: Tenant, session: CitizenSession): CitizenView {
    const realm = this.realms.realmTenant(tenant).slug;
    return {
      id: session.citizenId,
      email: session.email,
      name: session.name,
      trustLevel: session.trustLevel,
      realm,
      expiresAt: session.expiresAt.toISOString(),
    };
  }
}
