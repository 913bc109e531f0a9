import type { ApplicationStatus } from '@openrathaus/applications';

/**
 * The statuses an application may move to from each status. Every move goes through
 * {@link canMove}; a move the table does not list is refused, whoever asks.
 */
export const TRANSITIONS: Readonly<Record<ApplicationStatus, readonly ApplicationStatus[]>> = {
  draft: ['submitted'],
  submitted: ['payment_pending', 'paid', 'in_review', 'approved', 'completed', 'withdrawn'],
  payment_pending: ['paid', 'withdrawn'],
  paid: ['in_review', 'approved', 'completed', 'withdrawn'],
  in_review: ['needs_info', 'approved', 'rejected', 'withdrawn'],
  needs_info: ['in_review', 'rejected', 'withdrawn'],
  // A fee due only after approval: the citizen is asked to pay the approved application.
  approved: ['completed', 'payment_pending'],
  rejected: [],
  completed: [],
  withdrawn: [],
};

export const canMove = (from: ApplicationStatus, to: ApplicationStatus): boolean => TRANSITIONS[from].includes(to);

/** Statuses in which nothing happens any more. */
export const FINAL_STATUSES: readonly ApplicationStatus[] = ['rejected', 'completed', 'withdrawn'];
