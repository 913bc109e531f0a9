import type { ApplicantFields, ProcessDefinition } from '@openrathaus/catalog';

/** Where definitions that name nothing keep the applicant's name (the forms written before `applicant`). */
export const CONVENTIONAL_APPLICANT: ApplicantFields = { givenName: 'vorname', familyName: 'nachname', name: 'name' };

const text = (value: unknown): string => (typeof value === 'string' ? value.trim() : '');

/** The applicant's name from the answers the definition names, as a document prints it. */
export function applicantName(
  definition: Pick<ProcessDefinition, 'applicant'>,
  answers: Record<string, unknown>,
): string {
  const fields = definition.applicant ?? CONVENTIONAL_APPLICANT;
  const parts = [fields.givenName, fields.familyName].map((id) => (id ? text(answers[id]) : '')).filter(Boolean);
  return parts.length ? parts.join(' ') : fields.name ? text(answers[fields.name]) : '';
}

/**
 * The applicant's postal address from the answer the definition names: a text as it is, a group
 * of fields as its non-empty values in order, one per line.
 */
export function applicantAddress(
  definition: Pick<ProcessDefinition, 'applicant'>,
  answers: Record<string, unknown>,
): string | undefined {
  const id = definition.applicant?.address;
  const value = id ? answers[id] : undefined;
  if (typeof value === 'string') return value.trim() || undefined;
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    const lines = Object.values(value).map(text).filter(Boolean);
    return lines.length ? lines.join('\n') : undefined;
  }
  return undefined;
}
