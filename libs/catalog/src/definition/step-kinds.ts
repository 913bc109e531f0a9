import type { StepDefinition } from './process-definition';

/** The fields of a step, besides `id`, `kind` and `when`, that a kind may take. */
export const STEP_FIELDS = ['level', 'office', 'template', 'to', 'target', 'service'] as const;
export type StepField = (typeof STEP_FIELDS)[number] & keyof StepDefinition;

/** What the definition check must know of a step kind: the fields it requires and those it accepts. */
export interface StepKindSpec {
  kind: string;
  needs: readonly StepField[];
  uses: readonly StepField[];
}

/** Step kinds by name, as the definition check takes them. */
export type StepKindTable = ReadonlyMap<string, StepKindSpec>;

export const stepKindTable = (specs: Iterable<StepKindSpec>): StepKindTable =>
  new Map([...specs].map((spec) => [spec.kind, spec]));

/**
 * The kinds of the definition format, for checks made without the running platform (`tenants
 * validate` reads files only). The platform checks against the workflow's registered kinds.
 */
export const BUILT_IN_STEP_KINDS: StepKindTable = stepKindTable([
  { kind: 'form', needs: [], uses: [] },
  { kind: 'identity', needs: ['level'], uses: ['level'] },
  { kind: 'payment', needs: [], uses: [] },
  { kind: 'review', needs: [], uses: ['office'] },
  { kind: 'document', needs: ['template'], uses: ['template'] },
  { kind: 'notify', needs: ['template', 'to'], uses: ['template', 'to'] },
  { kind: 'deliver', needs: ['target'], uses: ['target', 'office'] },
  { kind: 'appointment', needs: ['office', 'service'], uses: ['office', 'service'] },
]);
