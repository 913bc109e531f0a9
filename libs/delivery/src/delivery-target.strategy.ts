import type { TenantScope } from '@openrathaus/database';

/**
 * What every hand-off target (e-mail to the office, signed webhook, FIT-Connect) is given and what
 * it gives back. A strategy sends one hand-off once; retries, backoff and dead letters are the
 * sender's business, not the strategy's.
 */

/** One file of the application, as the citizen uploaded it (or as the portal made it). */
export interface HandoffFile {
  /** The attachment's id, or `summary` for the PDF summary. */
  id: string;
  /** The answer path of the upload field (`nachweise.0.datei`), or `summary` for the PDF summary. */
  field: string;
  filename: string;
  contentType: string;
  size: number;
  /** Where the file storage keeps it (`<tenantId>/…`). */
  storageKey: string;
  /** Reads the bytes (from the file storage). */
  read(): Promise<Buffer>;
}

/** One answer, with the FIM data field id where the definition knows it. */
export interface HandoffAnswer {
  /** The answer's path in the form (`betrieb.anschrift.plz`). */
  path: string;
  /** The field's label in German, as the form shows it. */
  label: string;
  /** The XDatenfelder data field id (`F60000227`), where the definition names one. */
  fimId?: string;
  value: unknown;
  /** The value as people read it: a choice by its label, an address in one line. */
  text: string;
}

/** The application as every target hands it over. */
export interface Handoff {
  /** The hand-off's own id: the same on every retry, so that a receiver can drop a repeat. */
  id: string;
  tenant: { slug: string; name: string };
  application: {
    id: string;
    number: string;
    submittedAt: string;
    /** The answers as the citizen gave them (JSON, as stored). */
    answers: Record<string, unknown>;
    applicant: { name?: string; email?: string };
  };
  definition: { owner: string; key: string; version: string; title: string; leikaId?: string };
  office?: { id: string; name: string; email?: string };
  /** The answers as a flat list with labels and FIM ids, in the form's order. */
  fields: HandoffAnswer[];
  files: HandoffFile[];
}

/** What a target answered: kept with the hand-off and shown to the tenant admin. */
export interface HandoffReceipt {
  /** Where it went, for people: an address, a URL, a FIT-Connect destination. */
  to: string;
  /** Anything the target gave back worth keeping (a mail id, a submission id, a case id). */
  [key: string]: unknown;
}

/** A hand-off that did not go through; `permanent` ones are not retried. */
export class HandoffFailure extends Error {
  constructor(
    message: string,
    readonly permanent = false,
  ) {
    super(message);
    this.name = 'HandoffFailure';
  }
}

/** One kind of target. */
export interface DeliveryTargetStrategy<T = unknown> {
  readonly kind: 'email' | 'webhook' | 'fit-connect';
  /** Sends the hand-off to `target` (the tenant's configured target of this kind); throws {@link HandoffFailure}. */
  send(handoff: Handoff, target: T): Promise<HandoffReceipt>;
  /**
   * For a target whose effect is a row of this database (the e-mail, queued through the outbox):
   * makes it in the transaction that records the hand-off as done, so that it happens once.
   */
  sendWithin?(scope: TenantScope, handoff: Handoff, target: T): Promise<HandoffReceipt>;
}
