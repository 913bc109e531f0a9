import { ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import { AuthGuard } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import {
  CitizenAccounts,
  IdentityError,
  IdentityErrorCode,
  StaffAccounts,
  bodyFields,
  checkCredentials,
} from '@openrathaus/identity';
import { CitizenAuth } from '../citizen-auth';
import { PageContext } from '../page-context.service';
import { lendLoginServices } from './login-services';
import type { CitizenLogin } from './citizen-password.strategy';

/** Where Passport leaves what a strategy's `validate` answered (`request.user`). */
type Authenticated = FastifyRequest & { user?: unknown };

/**
 * passport-local refuses a missing field with a bare 401 of its own and looks in the query string
 * too; checking the body's fields first, as the accounts do, keeps their 400 naming each field and
 * leaves the strategy only the body's values.
 */
function checkLoginFields(request: FastifyRequest): void {
  const fields = bodyFields(request.body);
  checkCredentials(fields.email, fields.password);
}

/** A strategy answers a login or throws; no user without an error still must not let anyone in. */
function loggedIn<T>(error: unknown, user: T | false | undefined): T {
  if (error instanceof Error) throw error;
  if (error) throw new IdentityError(IdentityErrorCode.InvalidCredentials);
  if (!user) throw new IdentityError(IdentityErrorCode.InvalidCredentials);
  return user;
}

/** A citizen's password login over JSON; the accounts' errors answer as they are. */
@Injectable()
export class CitizenPasswordGuard extends AuthGuard('citizen-password') {
  constructor(
    private readonly citizens: CitizenAccounts,
    private readonly pages: PageContext,
  ) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    checkLoginFields(request);
    lendLoginServices(request, { citizens: this.citizens, pages: this.pages });
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<T>(error: unknown, user: T | false | undefined): T {
    return loggedIn(error, user);
  }
}

/** A staff member's password login over JSON. */
@Injectable()
export class StaffPasswordGuard extends AuthGuard('staff-password') {
  constructor(private readonly staff: StaffAccounts) {
    super();
  }

  override canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    checkLoginFields(request);
    lendLoginServices(request, { staff: this.staff });
    return super.canActivate(context) as Promise<boolean>;
  }

  override handleRequest<T>(error: unknown, user: T | false | undefined): T {
    return loggedIn(error, user);
  }
}

/** How the login form's post ended: the login, or the error the form shows again. */
export type LoginFormOutcome = CitizenLogin | { error: unknown };

/**
 * The login form's post: the `_csrf` first, then the same strategy as the JSON login. A refusal
 * does not end the request; the handler renders the form again with the error.
 */
@Injectable()
export class CitizenLoginFormGuard extends AuthGuard('citizen-password') {
  constructor(
    private readonly auth: CitizenAuth,
    private readonly citizens: CitizenAccounts,
    private readonly pages: PageContext,
  ) {
    super();
  }

  override async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<Authenticated>();
    try {
      this.auth.checkCsrf(request, undefined, request.body);
      checkLoginFields(request);
      lendLoginServices(request, { citizens: this.citizens, pages: this.pages });
      await super.canActivate(context);
    } catch (error) {
      request.user = { error } satisfies LoginFormOutcome;
    }
    return true;
  }

  override handleRequest<T>(error: unknown, user: T | false | undefined): T {
    return loggedIn(error, user);
  }
}

/** What the password guard before the handler found: Passport's `request.user`. */
export const PasswordLogin = createParamDecorator(
  (_data: unknown, context: ExecutionContext): unknown => context.switchToHttp().getRequest<Authenticated>().user,
);
