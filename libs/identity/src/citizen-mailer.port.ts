import { Injectable } from '@nestjs/common';
import { TenantScope, TenantTransactions } from '@openrathaus/database';
import { Mailer, inertText } from '@openrathaus/messaging';
import type { Tenant } from '@openrathaus/tenancy';

/** Injection token of the {@link CitizenMailer}. */
export const CITIZEN_MAILER = Symbol('CITIZEN_MAILER');

export type CitizenMailTemplate = 'account-verify' | 'account-exists' | 'password-reset';

/** One mail about a citizen's account; `link` is absolute, on the host of the tenant it was asked on. */
export interface CitizenMail {
  to: string;
  locale: string;
  template: CitizenMailTemplate;
  link: string;
  /** The account holder's name, for the greeting. */
  name?: string;
}

/**
 * Sends the mails of the account's life (confirm the address, "you already have an account",
 * reset the password). Called inside the transaction that wrote the token the mail carries, with
 * that transaction's scope (the realm's tenant): an implementation that queues the mail through a
 * transactional outbox keeps the token and its mail together; one that throws rolls the token back.
 */
export interface CitizenMailer {
  sendAccountMail(tenant: Tenant, mail: CitizenMail, scope?: TenantScope): Promise<void>;
}

/**
 * The mailer of the platform: the mail is queued through Messaging in the caller's transaction
 * (the transactional outbox), so the token and the mail that carries it are written together.
 */
@Injectable()
export class MessagingCitizenMailer implements CitizenMailer {
  constructor(
    private readonly mailer: Mailer,
    private readonly transactions: TenantTransactions,
  ) {}

  async sendAccountMail(tenant: Tenant, mail: CitizenMail, scope?: TenantScope): Promise<void> {
    const request = {
      to: mail.to,
      locale: mail.locale,
      template: mail.template,
      // The name is what the citizen typed at registration: shown, never made a link.
      data: { name: inertText(mail.name ?? ''), link: mail.link, portal: tenant.name },
    };
    if (scope) await this.mailer.queue(scope, request);
    else await this.transactions.run(tenant.id, (own) => this.mailer.queue(own, request));
  }
}
