import { Body, Controller, Get, HttpCode, Param, Post, Put, UseGuards } from '@nestjs/common';
import {
  ApiBody,
  ApiCookieAuth,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsArray, IsDefined, IsOptional, IsString } from 'class-validator';
import { StaffAccounts, StaffAdministration, StaffMember, StaffSession } from '@openrathaus/identity';
import type { Tenant } from '@openrathaus/tenancy';
import { ApiErrors } from '../http/api-errors.decorator';
import { JsonWriteGuard } from '../http/json-write.guard';
import { Roles, Staff, StaffGuard } from '../http/pipeline/staff.guard';
import { CurrentTenant } from '../http/pipeline/tenant.guard';

class MemberView {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty({ nullable: true, type: String }) name: string | null;
  @ApiProperty({ enum: ['caseworker', 'tenant-admin', 'operator'] }) role: string;
  @ApiProperty({ type: [String], description: 'office ids of tenant.yaml; empty: all offices' }) offices: string[];
  @ApiProperty() disabled: boolean;
}

class NewCaseworker {
  @ApiProperty({ example: 'sb@gelsenkirchen.de' }) @IsDefined() @IsString() email: string;
  @ApiPropertyOptional({ example: 'Maria Muster' }) @IsOptional() @IsString() name?: string;
  @ApiProperty({ type: [String], example: ['buergerbuero'], description: 'at least one office id of tenant.yaml' })
  @IsDefined()
  @IsArray()
  @IsString({ each: true })
  offices: string[];
}

class AddedView {
  @ApiProperty() id: string;
  @ApiProperty() email: string;
  @ApiProperty({ description: 'the one-time password: shown only now, to be handed over to the person' })
  password: string;
}

class OfficesBody {
  @ApiProperty({ type: [String], example: ['buergerbuero', 'standesamt'] })
  @IsDefined()
  @IsArray()
  @IsString({ each: true })
  offices: string[];
}

/**
 * The tenant admin manages the tenant's staff: caseworkers with their offices, disabled accounts,
 * lost authenticators. Every change goes to the audit log.
 */
@ApiTags('backoffice')
@ApiCookieAuth('staff')
@ApiErrors(400, 401, 403, 404, 409, 415)
@Controller('api/v1/backoffice/staff')
@UseGuards(JsonWriteGuard, StaffGuard)
@Roles('tenant-admin')
export class StaffAdminController {
  constructor(
    private readonly staff: StaffAccounts,
    private readonly administration: StaffAdministration,
  ) {}

  @Get()
  @ApiOperation({ summary: 'The tenant’s staff (role tenant-admin)' })
  @ApiOkResponse({ type: [MemberView] })
  list(@CurrentTenant() tenant: Tenant): Promise<StaffMember[]> {
    return this.staff.members(tenant.id);
  }

  @Post()
  @ApiOperation({ summary: 'Adds a caseworker; answers the one-time password once (role tenant-admin)' })
  @ApiBody({ type: NewCaseworker })
  @ApiOkResponse({ type: AddedView })
  async add(@Staff() admin: StaffSession, @Body() body: NewCaseworker): Promise<AddedView> {
    const added = await this.administration.add(admin, body);
    return { id: added.id, email: String(body.email).trim().toLowerCase(), password: added.password };
  }

  @Post(':id/disable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Disables an account: no more logins, its sessions end (not one’s own)' })
  @ApiOkResponse({ type: MemberView })
  disable(@Staff() admin: StaffSession, @Param('id') id: string): Promise<StaffMember> {
    return this.administration.disable(admin, id);
  }

  @Post(':id/enable')
  @HttpCode(200)
  @ApiOperation({ summary: 'Enables a disabled account again' })
  @ApiOkResponse({ type: MemberView })
  enable(@Staff() admin: StaffSession, @Param('id') id: string): Promise<StaffMember> {
    return this.administration.enable(admin, id);
  }

  @Post(':id/reset-totp')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Forgets a lost authenticator and the recovery codes; the account enrols again at its next login',
  })
  @ApiOkResponse({ type: MemberView })
  resetTotp(@Staff() admin: StaffSession, @Param('id') id: string): Promise<StaffMember> {
    return this.administration.resetTotp(admin, id);
  }

  @Put(':id/offices')
  @ApiOperation({ summary: 'Replaces a caseworker’s offices (at least one)' })
  @ApiBody({ type: OfficesBody })
  @ApiOkResponse({ type: MemberView })
  offices(@Staff() admin: StaffSession, @Param('id') id: string, @Body() body: OfficesBody): Promise<StaffMember> {
    return this.administration.setOffices(admin, id, body.offices);
  }
}
