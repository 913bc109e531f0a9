import { DomainError, ErrorKind, FieldFault } from '@openrathaus/core';

export enum RegionErrorCode {
  /** A malformed or missing value of a field (a postal code that is not five digits, an unknown service). */
  InvalidInput = 'region.invalid_input',
  /** Well-formed, but not in the region: a postal code of no member, a town that does not have it. */
  Unacceptable = 'region.unacceptable',
  /** A page or Lebenslage of the region that does not exist. */
  NotFound = 'region.not_found',
}

const kinds: Record<RegionErrorCode, ErrorKind> = {
  [RegionErrorCode.InvalidInput]: 'invalid',
  [RegionErrorCode.Unacceptable]: 'unprocessable',
  [RegionErrorCode.NotFound]: 'not_found',
};

/** The region's union catalogue, responsibility finder, comparison and statistics. */
export class RegionError extends DomainError {
  readonly kind: ErrorKind;

  constructor(code: RegionErrorCode, params: Record<string, unknown> = {}, fields: FieldFault[] = []) {
    super(code, params, fields);
    this.kind = kinds[code];
    this.message = `${code} ${JSON.stringify(params)}`;
  }
}

/** A malformed or missing value of one field (400). */
export const invalidRegionField = (field: string, key = 'invalid', params: Record<string, unknown> = {}): RegionError =>
  new RegionError(RegionErrorCode.InvalidInput, {}, [{ field, key, params }]);

/** A well-formed value of one field that the region cannot take (422). */
export const unacceptableRegionField = (
  field: string,
  key: string,
  params: Record<string, unknown> = {},
): RegionError => new RegionError(RegionErrorCode.Unacceptable, {}, [{ field, key, params }]);
