import { isLocale } from '@openrathaus/i18n';
import type { LocalizedText } from '@openrathaus/i18n';
import type { DefinitionFaultKey } from './definition-fault';
import type { ParameterDefinition, ParameterValue } from './process-definition';

export const DURATION = /^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?$/;

/** The result of reading one parameter value from a file. */
export type ParameterReading =
  | { ok: true; value: ParameterValue }
  | { ok: false; key: DefinitionFaultKey; params?: Record<string, string | number> };

const isLocalized = (value: unknown): value is LocalizedText =>
  typeof value === 'object' &&
  value !== null &&
  !Array.isArray(value) &&
  typeof (value as { de?: unknown }).de === 'string' &&
  Object.entries(value).every(([k, v]) => isLocale(k) && typeof v === 'string');

/**
 * Reads a parameter value as written in a file (money in euros) into the platform's form (money
 * in cents). `offices` are the ids an `office` value may name; omitted, any id is taken.
 */
export function readParameterValue(
  definition: ParameterDefinition,
  raw: unknown,
  offices?: readonly string[],
): ParameterReading {
  switch (definition.type) {
    case 'money': {
      if (typeof raw !== 'number' || !Number.isFinite(raw) || raw < 0) return { ok: false, key: 'money' };
      const cents = Math.round(raw * 100);
      if (Math.abs(cents - raw * 100) > 1e-6) return { ok: false, key: 'money' };
      const min = definition.min ?? 0;
      const max = definition.max ?? 1_000_000;
      if (raw < min || raw > max) return { ok: false, key: 'money_range', params: { min, max } };
      return { ok: true, value: cents };
    }
    case 'text':
      if (typeof raw === 'string') return { ok: true, value: { de: raw } };
      return isLocalized(raw) ? { ok: true, value: raw } : { ok: false, key: 'text_value' };
    case 'enum': {
      const allowed = (definition.options ?? []).map((o) => o.value);
      return typeof raw === 'string' && allowed.includes(raw)
        ? { ok: true, value: raw }
        : { ok: false, key: 'one_of', params: { allowed: allowed.join(', ') } };
    }
    case 'list':
      return Array.isArray(raw) && raw.every((v) => typeof v === 'string' && v.length > 0)
        ? { ok: true, value: raw as string[] }
        : { ok: false, key: 'list_value' };
    case 'office':
      if (typeof raw !== 'string' || (offices && !offices.includes(raw))) {
        return {
          ok: false,
          key: 'office_unknown',
          params: { value: typeof raw === 'string' ? raw : JSON.stringify(raw), allowed: (offices ?? []).join(', ') },
        };
      }
      return { ok: true, value: raw };
    case 'duration':
      return typeof raw === 'string' && DURATION.test(raw) ? { ok: true, value: raw } : { ok: false, key: 'duration' };
  }
}
