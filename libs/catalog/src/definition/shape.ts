import { isLocale, writtenInScript } from '@openrathaus/i18n';
import type { DefinitionFaultKey } from './definition-fault';

/** The shape a part of a YAML document must have; checked by {@link checkShape}. */
export type Shape =
  | { t: 'string'; pattern?: RegExp; patternKey?: DefinitionFaultKey; max?: number }
  | { t: 'number' }
  | { t: 'integer'; min?: number }
  | { t: 'boolean' }
  | { t: 'text' }
  | { t: 'enum'; values: readonly string[] }
  | { t: 'list'; of: Shape; nonEmpty?: boolean }
  | { t: 'map'; of: Shape; keyPattern?: RegExp; keyKey?: DefinitionFaultKey }
  | { t: 'object'; fields: Record<string, Shape>; required?: readonly string[] }
  | { t: 'choice'; pick: (value: Record<string, unknown>) => Shape }
  /** A short form as a string, or the long form as a mapping (`retention: P2Y` or `{ after, action }`). */
  | { t: 'short'; string: Shape; object: Shape }
  | { t: 'any' };

/** A fault without its file: the validator adds the file. */
export interface ShapeFault {
  path: string;
  key: DefinitionFaultKey;
  params?: Record<string, string | number>;
}

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const join = (path: string, key: string | number): string =>
  typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key;

/** Checks `value` against `shape`; returns every fault with its path, unknown fields included. */
export function checkShape(value: unknown, shape: Shape, path = ''): ShapeFault[] {
  switch (shape.t) {
    case 'any':
      return [];
    case 'string':
      if (typeof value !== 'string' || value.length === 0) return [{ path, key: 'string' }];
      if (shape.max !== undefined && value.length > shape.max)
        return [{ path, key: 'too_long', params: { max: shape.max } }];
      return shape.pattern && !shape.pattern.test(value) ? [{ path, key: shape.patternKey ?? 'string' }] : [];
    case 'number':
      return typeof value === 'number' && Number.isFinite(value) ? [] : [{ path, key: 'number' }];
    case 'integer': {
      const min = shape.min ?? 0;
      return Number.isInteger(value) && (value as number) >= min ? [] : [{ path, key: 'integer', params: { min } }];
    }
    case 'boolean':
      return typeof value === 'boolean' ? [] : [{ path, key: 'boolean' }];
    case 'text': {
      if (
        !isRecord(value) ||
        typeof value.de !== 'string' ||
        value.de.trim() === '' ||
        !Object.entries(value).every(([k, v]) => isLocale(k) && typeof v === 'string')
      ) {
        return [{ path, key: 'localized' }];
      }
      // Every language is checked, not only German: an Arabic text in Latin letters was left over.
      return Object.entries(value as Record<string, string>)
        .filter(([locale, text]) => !writtenInScript(locale, text))
        .map(([locale]) => ({ path: join(path, locale), key: 'text_script' as const, params: { locale } }));
    }
    case 'enum':
      return typeof value === 'string' && shape.values.includes(value)
        ? []
        : [{ path, key: 'one_of', params: { allowed: shape.values.join(', ') } }];
    case 'list':
      if (!Array.isArray(value)) return [{ path, key: 'list' }];
      if (shape.nonEmpty && value.length === 0) return [{ path, key: 'list_empty' }];
      return value.flatMap((item, i) => checkShape(item, shape.of, join(path, i)));
    case 'map':
      if (!isRecord(value)) return [{ path, key: 'not_object' }];
      return Object.entries(value).flatMap(([k, v]) =>
        shape.keyPattern && !shape.keyPattern.test(k)
          ? [{ path: join(path, k), key: shape.keyKey ?? 'identifier' }]
          : checkShape(v, shape.of, join(path, k)),
      );
    case 'object': {
      if (!isRecord(value)) return [{ path, key: 'not_object' }];
      const faults: ShapeFault[] = [];
      for (const name of shape.required ?? []) {
        if (value[name] === undefined || value[name] === null) faults.push({ path: join(path, name), key: 'required' });
      }
      for (const [name, v] of Object.entries(value)) {
        const field = shape.fields[name];
        if (!field) faults.push({ path: join(path, name), key: 'unknown_field' });
        else if (v !== undefined && v !== null) faults.push(...checkShape(v, field, join(path, name)));
      }
      return faults;
    }
    case 'choice':
      return isRecord(value) ? checkShape(value, shape.pick(value), path) : [{ path, key: 'not_object' }];
    case 'short':
      return isRecord(value) ? checkShape(value, shape.object, path) : checkShape(value, shape.string, path);
  }
}
