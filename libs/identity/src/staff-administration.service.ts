import { Injectable } from '@nestjs/common';
import { AuditLog, TenantScope, TenantTransactions } from '@openrathaus/database';
import { IdentityError, IdentityErrorCode } from './identity.error';
import { StaffAccountsRepository } from './staff-accounts.repository';
import { StaffAccounts, StaffMember, StaffSession } from './staff.service';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * A tenant admin's work on the tenant's staff: add caseworkers, disable and enable accounts,
 * change offices, reset a lost authenticator. Each change is recorded in the audit log (actor:
 * the admin's staff id, subject: the account) in the transaction of the change. The caller has
 * checked the role (`StaffAccounts.require(..., ['tenant-admin'])`).
 */
@Injectable()
export class StaffAdministration {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly accounts: StaffAccountsRepository,
    private readonly staff: StaffAccounts,
    private readonly audit: AuditLog,
  ) {}

  /** Adds a caseworker with a name and offices; returns the one-time password to hand over once. */
  add(
    admin: StaffSession,
    input: { email: unknown; name?: unknown; offices: unknown },
  ): Promise<{ id: string; password: string }> {
    return this.staff.add(admin.tenantId, input.email, 'caseworker', {
      name: input.name,
      offices: input.offices,
      actor: admin.staffId,
    });
  }

  /** Disables an account: it cannot log in, and its sessions end at once. */
  async disable(admin: StaffSession, id: string): Promise<StaffMember> {
    this.notOwn(admin, id);
    return this.change(admin, id, 'staff.disabled', {}, (scope) => this.accounts.setDisabled(scope, id, true));
  }

  async enable(admin: StaffSession, id: string): Promise<StaffMember> {
    return this.change(admin, id, 'staff.enabled', {}, (scope) => this.accounts.setDisabled(scope, id, false));
  }

  /** Replaces a caseworker's offices (at least one of the tenant's). */
  async setOffices(admin: StaffSession, id: string, offices: unknown): Promise<StaffMember> {
    const member = await this.member(admin, id);
    const ids = this.staff.checkOffices(admin.tenantId, member.role, offices, 'offices');
    return this.change(admin, id, 'staff.offices_changed', { from: member.offices, to: ids }, (scope) =>
      this.accounts.setOffices(scope, id, ids),
    );
  }

  /** Forgets the account's authenticator and recovery codes; it enrols again at its next login. */
  async resetTotp(admin: StaffSession, id: string): Promise<StaffMember> {
    this.notOwn(admin, id);
    return this.change(admin, id, 'staff.totp_reset', {}, (scope) => this.accounts.resetTotp(scope, id));
  }

  /** One member of the admin's tenant, or 404 `identity.unknown_staff`. */
  async member(admin: StaffSession, id: string): Promise<StaffMember> {
    const found = UUID.test(id) ? (await this.staff.members(admin.tenantId)).find((m) => m.id === id) : undefined;
    if (!found) throw new IdentityError(IdentityErrorCode.UnknownStaff, {}, [{ field: 'id', key: 'unknown' }]);
    return found;
  }

  private notOwn(admin: StaffSession, id: string): void {
    if (id === admin.staffId) throw new IdentityError(IdentityErrorCode.OwnAccount);
  }

  private async change(
    admin: StaffSession,
    id: string,
    action: string,
    data: Record<string, unknown>,
    work: (scope: TenantScope) => Promise<boolean>,
  ): Promise<StaffMember> {
    if (!UUID.test(id)) throw new IdentityError(IdentityErrorCode.UnknownStaff, {}, [{ field: 'id', key: 'unknown' }]);
    const done = await this.transactions.run(admin.tenantId, async (scope) => {
      if (!(await work(scope))) return false;
      await this.audit.record(scope, { action, actor: admin.staffId, subject: id, data });
      return true;
    });
    if (!done) throw new IdentityError(IdentityErrorCode.UnknownStaff, {}, [{ field: 'id', key: 'unknown' }]);
    return this.member(admin, id);
  }
}
