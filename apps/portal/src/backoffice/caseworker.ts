import type { Caseworker } from '@openrathaus/backoffice';
import type { StaffSession } from '@openrathaus/identity';

/** The back office's view of the member of staff the staff guard let in. */
export const caseworkerOf = (session: StaffSession): Caseworker => ({
  id: session.staffId,
  email: session.email,
  role: session.role,
  offices: session.offices,
});
