/** Levels of assurance of a citizen's identity, lowest first (eIDAS: low, substantial, high). */
export const TRUST_LEVELS = ['basic', 'substantial', 'high'] as const;
export type TrustLevel = (typeof TRUST_LEVELS)[number];

export const isTrustLevel = (value: unknown): value is TrustLevel =>
  typeof value === 'string' && (TRUST_LEVELS as readonly string[]).includes(value);

/** Whether a session at level `have` may do what needs level `need`. */
export const meetsLevel = (have: TrustLevel, need: TrustLevel): boolean =>
  TRUST_LEVELS.indexOf(have) >= TRUST_LEVELS.indexOf(need);
