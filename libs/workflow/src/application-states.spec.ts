import { APPLICATION_STATUSES, ApplicationStatus } from '@openrathaus/applications';
import { FINAL_STATUSES, TRANSITIONS, canMove } from './application-states';

// Written out by hand, not derived from TRANSITIONS: a change to the table must change this too.
const ALLOWED = new Set([
  'draft>submitted',
  'submitted>payment_pending',
  'submitted>paid',
  'submitted>in_review',
  'submitted>approved',
  'submitted>completed',
  'payment_pending>paid',
  'paid>in_review',
  'paid>approved',
  'paid>completed',
  'in_review>needs_info',
  'in_review>approved',
  'in_review>rejected',
  'needs_info>in_review',
  'needs_info>rejected',
  'approved>completed',
  'approved>payment_pending',
  'submitted>withdrawn',
  'payment_pending>withdrawn',
  'paid>withdrawn',
  'in_review>withdrawn',
  'needs_info>withdrawn',
]);

const pairs = APPLICATION_STATUSES.flatMap((from) => APPLICATION_STATUSES.map((to) => [from, to] as const));

describe('the state table of applications', () => {
  it.each(pairs.filter(([from, to]) => ALLOWED.has(`${from}>${to}`)))('allows %s -> %s', (from, to) => {
    expect(canMove(from, to)).toBe(true);
  });

  it.each(pairs.filter(([from, to]) => !ALLOWED.has(`${from}>${to}`)))('refuses %s -> %s', (from, to) => {
    expect(canMove(from, to)).toBe(false);
  });

  it('names every status and only known statuses', () => {
    expect(Object.keys(TRANSITIONS).sort()).toEqual([...APPLICATION_STATUSES].sort());
    for (const targets of Object.values(TRANSITIONS)) {
      for (const to of targets) expect(APPLICATION_STATUSES).toContain(to);
    }
  });

  it('reaches every status from a draft, and a final status from every status', () => {
    const reachable = (from: ApplicationStatus): Set<ApplicationStatus> => {
      const seen = new Set<ApplicationStatus>([from]);
      const queue = [from];
      for (let status = queue.shift(); status; status = queue.shift()) {
        for (const to of TRANSITIONS[status]) {
          if (!seen.has(to)) {
            seen.add(to);
            queue.push(to);
          }
        }
      }
      return seen;
    };
    expect([...reachable('draft')].sort()).toEqual([...APPLICATION_STATUSES].sort());
    for (const status of APPLICATION_STATUSES) {
      expect(FINAL_STATUSES.some((final) => reachable(status).has(final))).toBe(true);
    }
  });

  it('lets nothing leave a final status', () => {
    for (const status of FINAL_STATUSES) expect(TRANSITIONS[status]).toEqual([]);
  });
});
