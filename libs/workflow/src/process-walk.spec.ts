import { join } from 'node:path';
import type { ApplicationStatus } from '@openrathaus/applications';
import { projectRoot } from '@openrathaus/core';
import {
  ProcessDefinition,
  StepKinds,
  catalogData,
  loadDefinitionFile,
  loadDefinitionsDir,
} from '@openrathaus/catalog';
import { FINAL_STATUSES, canMove } from './application-states';
import { WorkflowSteps } from './steps/workflow-steps.registry';
import { WorkflowErrorCode } from './workflow.error';
import { BUILT_IN_STEPS } from './workflow.module';

/**
 * The registry as the module builds it. Registering reads only a step's declared kind, fields and
 * place (`run` is never called here), so the steps are made without their services.
 */
function registry(): { steps: WorkflowSteps; kinds: StepKinds } {
  const kinds = new StepKinds();
  const [form, identity, payment, review, document, notify, deliver, appointment] = BUILT_IN_STEPS.map(
    (step) => Reflect.construct(step, []) as never,
  );
  return {
    steps: new WorkflowSteps(kinds, form, identity, payment, review, document, notify, deliver, appointment),
    kinds,
  };
}

/** Where an application stands: its status, the step it is at, and what happened on the way. */
interface Place {
  status: ApplicationStatus;
  index: number;
  path: string[];
}

/**
 * Every path an application of this definition can take from submission to a final status, as
 * the workflow moves it: steps that run at once pass, a payment waits for the provider (which may
 * fail and be retried, or be away at submission), a review waits for the office's decision (which
 * may ask the citizen once more). Every move is checked against the state table and every step
 * against the registry on the way; a move the table refuses fails the walk.
 */
function walk(definition: ProcessDefinition, steps: WorkflowSteps): string[][] {
  const done: string[][] = [];
  const move = (place: Place, to: ApplicationStatus, event: string, index = place.index): Place => {
    if (!canMove(place.status, to)) throw new Error(`${place.path.join(' > ')}: ${place.status} -> ${to} refused`);
    return { status: to, index, path: [...place.path, event, to] };
  };
  const stay = (place: Place, event: string, index = place.index): Place => ({
    ...place,
    index,
    path: [...place.path, event],
  });
  const seen = (place: Place, event: string) => place.path.includes(event);

  const visit = (place: Place): void => {
    if (FINAL_STATUSES.includes(place.status)) {
      done.push(place.path);
      return;
    }
    if (place.path.length > 40) throw new Error(`${place.path.join(' > ')}: does not settle`);
    const step = definition.steps[place.index];
    switch (place.status) {
      case 'submitted':
      case 'paid':
      case 'approved': {
        if (!step) return visit(move(place, 'completed', 'all steps done'));
        const kind = steps.get(step.kind);
        if (step.when !== undefined) visit(stay(place, `${step.id} skipped`, place.index + 1));
        switch (kind.kind) {
          case 'payment':
            if (place.status === 'paid') return visit(stay(place, `${step.id} already paid`, place.index + 1));
            visit(stay(place, `${step.id} no fee`, place.index + 1));
            if (!seen(place, 'payment service away')) visit(stay(place, 'payment service away'));
            return visit(move(place, 'payment_pending', `${step.id} started`));
          case 'review':
            return visit(move(place, 'in_review', `${step.id} started`, place.index + 1));
          default:
            return visit(stay(place, step.id, place.index + 1));
        }
      }
      case 'payment_pending':
        if (!seen(place, 'payment failed, retried')) visit(stay(place, 'payment failed, retried'));
        return visit(move(place, 'paid', 'provider confirms', place.index + 1));
      case 'in_review':
        visit(move(place, 'approved', 'office approves'));
        visit(move(place, 'rejected', 'office rejects'));
        if (!seen(place, 'office asks')) visit(move(place, 'needs_info', 'office asks'));
        return;
      case 'needs_info':
        return visit(move(place, 'in_review', 'citizen replies'));
      default:
        throw new Error(`${place.path.join(' > ')}: the workflow never leaves ${place.status}`);
    }
  };

  visit(move({ status: 'draft', index: 0, path: ['draft'] }, 'submitted', 'submit'));
  return done;
}

const context = (kinds: StepKinds) => ({ lagen: catalogData().lagenIds, steps: kinds.table() });

describe('a whole process walked through the state table', () => {
  it('takes the Bewohnerparkausweis along each of its paths to completion', () => {
    const { steps, kinds } = registry();
    const file = join(projectRoot(), 'tenants', 'gelsenkirchen', 'processes', 'bewohnerparkausweis', '1.3.0.yaml');
    const loaded = loadDefinitionFile(file, context(kinds));
    expect(loaded.faults).toEqual([]);
    const definition = loaded.definition!;
    expect(definition.steps.map((s) => s.kind)).toEqual([
      'form',
      'identity',
      'payment',
      'document',
      'notify',
      'deliver',
    ]);

    const after = ['ausweis', 'bestaetigung', 'uebermittlung', 'all steps done', 'completed'];
    const start = ['draft', 'submit', 'submitted', 'antrag', 'identitaet'];
    const paid = ['zahlung started', 'payment_pending'];
    const confirmed = ['provider confirms', 'paid', ...after];
    expect(
      walk(definition, steps)
        .map((path) => path.join(' > '))
        .sort(),
    ).toEqual(
      [
        [...start, 'zahlung no fee', ...after],
        [...start, 'payment service away', 'zahlung no fee', ...after],
        [...start, 'payment service away', ...paid, 'payment failed, retried', ...confirmed],
        [...start, 'payment service away', ...paid, ...confirmed],
        [...start, ...paid, 'payment failed, retried', ...confirmed],
        [...start, ...paid, ...confirmed],
      ]
        .map((path) => path.join(' > '))
        .sort(),
    );
  });

  it('takes an application with a review through approval, refusal and a question back', () => {
    const { steps, kinds } = registry();
    const file = join(projectRoot(), 'tenants', 'dueren', 'processes', 'hundesteuer', '1.0.0.yaml');
    const definition = loadDefinitionFile(file, context(kinds)).definition!;
    const review = definition.steps.find((s) => s.kind === 'review')!;
    const ends = walk(definition, steps).map((path) => path.slice(path.indexOf(`${review.id} started`)));
    const decisions = new Set(
      ends.map((path) => path.filter((e) => e.startsWith('office') || e.startsWith('citizen')).join(', ')),
    );
    expect([...decisions].sort()).toEqual([
      'office approves',
      'office asks, citizen replies, office approves',
      'office asks, citizen replies, office rejects',
      'office rejects',
    ]);
    for (const path of ends) {
      expect(path.at(-1)).toBe(path.includes('office rejects') ? 'rejected' : 'completed');
    }
  });

  it('reaches a final status along every path of every reference definition, by registered kinds only', () => {
    const { steps, kinds } = registry();
    const loaded = loadDefinitionsDir(join(projectRoot(), 'tenants'), context(kinds));
    expect(loaded.length).toBeGreaterThan(10);
    for (const { file, faults, definition } of loaded) {
      expect({ file, faults }).toEqual({ file, faults: [] });
      const paths = walk(definition!, steps);
      expect(paths.length).toBeGreaterThan(0);
      for (const path of paths) expect(FINAL_STATUSES).toContain(path.at(-1));
    }
  });

  it('refuses a step kind no module registered', () => {
    const { steps } = registry();
    const definition = {
      steps: [{ id: 'bote', kind: 'courier' }],
    } as unknown as ProcessDefinition;
    expect(() => walk(definition, steps)).toThrow(expect.objectContaining({ code: WorkflowErrorCode.UnknownStepKind }));
  });
});
