/** `is claimed by "{other}"` with `{ other: 'bottrop' }` as `is claimed by "bottrop"`; a missing value as nothing. */
export const fillPlaceholders = (text: string, params: Record<string, string | number> = {}): string =>
  text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? ''));
