import { DomainError, ErrorKind } from '@openrathaus/core';

export enum TenancyErrorCode {
  UnknownHost = 'tenancy.unknown_host',
  TenantUnavailable = 'tenancy.tenant_unavailable',
  UnknownTenant = 'tenancy.unknown_tenant',
}

const kinds: Record<TenancyErrorCode, ErrorKind> = {
  [TenancyErrorCode.UnknownHost]: 'not_found',
  [TenancyErrorCode.TenantUnavailable]: 'unavailable',
  [TenancyErrorCode.UnknownTenant]: 'not_found',
};

export class TenancyError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: TenancyErrorCode, params: Record<string, unknown> = {}) {
    super(code, params);
    this.kind = kinds[code];
  }
}
