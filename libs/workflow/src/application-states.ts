import type { ApplicationStatus } from '@openrathaus/applications';

/**
 * The statuses an application may move to from each status. Every move goes through
 * {@link canMove}; a move the table does not list is refused, whoever asks.
 */
export const TRANSITIONS: Readonly<Record<ApplicationStatus, readonly ApplicationStatus[]>> = {
  draft: ['submitted'],
  submitted: ['payment_pending', 'paid', 'in_review', 'approved', 'completed'],
  payment_pending: ['paid'],
  paid: ['in_review', 'approved', 'completed'],
  in_review: ['needs_info', 'approved', 'rejected'],
  needs_info: ['in_review'],
  approved: ['completed'],
  rejected: [],
  completed: [],
};

export const canMove = (from: ApplicationStatus, to: ApplicationStatus): boolean => TRANSITIONS[from].includes(to);

/** Statuses in which nothing happens any more. */
export const FINAL_STATUSES: readonly ApplicationStatus[] = ['rejected', 'completed'];
