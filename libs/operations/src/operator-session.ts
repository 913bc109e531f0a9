/** What an operator's login still lacks: the one-time password's change, the authenticator's enrolment, its code. */
export type OperatorLoginStep = 'change_password' | 'enrol_totp' | 'totp';

/** A logged-in operator, as a request sees it. Operators belong to no tenant. */
export interface OperatorSession {
  operatorId: string;
  email: string;
  name: string | null;
  mustChangePassword: boolean;
  /** The step still missing; null once password and second factor are done. */
  next: OperatorLoginStep | null;
  /** The `_csrf` value of this session's HTML forms. */
  csrfToken: string;
}

/** The operator session's cookie (host-only, on the operator host). */
export const OPERATOR_COOKIE = 'or_operator';
