import { Body, Controller, HttpCode, Inject, Post, Req, Res, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { ApiCookieAuth } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { StaffAccounts } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { ApiErrors } from '../http/api-errors.decorator';
import { setSessionCookie } from '../http/cookies';
import { JsonWriteGuard } from '../http/json-write.guard';
import { PasswordLogin, StaffPasswordGuard } from '../http/pipeline/password-login.guard';
import { STAFF_COOKIE } from '../http/pipeline/staff.guard';
import { StaffLogin } from '../http/pipeline/staff-password.strategy';
import { CurrentTenant, TenantGuard } from '../http/pipeline/tenant.guard';

class StaffCredentials {
  @ApiProperty({ example: 'admin@gelsenkirchen.de' }) email: string;
  @ApiProperty() password: string;
}

class StaffView {
  @ApiProperty() email: string;
  @ApiProperty({ enum: ['caseworker', 'tenant-admin', 'operator'] }) role: string;
  @ApiProperty({ description: 'logged in with the one-time password: change it first (POST /password)' })
  mustChangePassword: boolean;
}

class PasswordChange {
  @ApiProperty({ description: 'the current (or one-time) password' }) password: string;
  @ApiProperty({ description: 'at least 12 characters, not the current one' }) newPassword: string;
}

/** Staff log in on their tenant's host; the session cookie is refused on any other tenant. */
@ApiTags('backoffice')
@ApiCookieAuth('staff')
@ApiErrors(400, 401, 403, 404, 415, 422)
@Controller('api/v1/backoffice')
@UseGuards(JsonWriteGuard)
export class BackofficeAuthController {
  constructor(
    private readonly staff: StaffAccounts,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Staff login: sets an HttpOnly, SameSite=Strict session cookie' })
  @ApiBody({ type: StaffCredentials })
  @ApiOkResponse({ type: StaffView })
  @UseGuards(TenantGuard, StaffPasswordGuard)
  login(
    @PasswordLogin() { sessionId, session }: StaffLogin,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): StaffView {
    setSessionCookie(reply, STAFF_COOKIE, sessionId, this.config.env === 'production', 8 * 3600);
    return { email: session.email, role: session.role, mustChangePassword: session.mustChangePassword };
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

  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Ends the staff session' })
  async logout(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<void> {
    const sessionId = request.cookies[STAFF_COOKIE];
    if (sessionId) await this.staff.logout(sessionId);
    setSessionCookie(reply, STAFF_COOKIE, '', this.config.env === 'production', 0);
  }
}
