import { Injectable } from '@nestjs/common';
import { OperationsError, OperationsErrorCode } from './operations.error';
import type { OperatorSession } from './operator-session';

/**
 * Operator accounts, apart from every tenant's staff: created with a one-time password from the
 * command line, logged in with password and TOTP as the back office's staff are.
 */
@Injectable()
export class OperatorAccounts {
  /** The session behind a cookie, at whatever step of the login. */
  // eslint-disable-next-line @typescript-eslint/require-await
  async session(_sessionId: string | undefined): Promise<OperatorSession | undefined> {
    return undefined;
  }

  /** The session of an operator logged in completely, or 401 / 403 naming the missing step. */
  async require(sessionId: string | undefined): Promise<OperatorSession> {
    const session = await this.session(sessionId);
    if (!session) throw new OperationsError(OperationsErrorCode.NotLoggedIn);
    if (session.next) throw new OperationsError(OperationsErrorCode.LoginIncomplete, { step: session.next });
    return session;
  }
}
