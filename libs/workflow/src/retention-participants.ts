import { Injectable } from '@nestjs/common';
import type { RetentionAction } from '@openrathaus/catalog';
import type { TenantScope } from '@openrathaus/database';

/**
 * A lib that keeps data about applications the workflow does not import (the back office's
 * notes; the delivery's hand-off payloads): the retention sweep asks it to forget an application,
 * in the sweep's transaction, before the application itself is deleted or anonymised.
 */
export interface RetentionParticipant {
  /** Names the participant in the sweep's log and audit entry (`notes`, `handoffs`). */
  readonly name: string;
  /**
   * Removes (`delete`) or strips of personal data (`anonymise`) what the participant keeps about
   * the application, in the caller's transaction; returns how many records it changed. Called
   * again for the same application, it changes nothing.
   */
  forget(scope: TenantScope, applicationId: string, action: RetentionAction): Promise<number>;
}

/**
 * The participants of the retention sweep beyond the libs the workflow imports. A module adds
 * one by registering its provider from its constructor (as the back office's notes do).
 */
@Injectable()
export class RetentionParticipants {
  private readonly participants = new Map<string, RetentionParticipant>();

  /** Adds a participant; one name registered twice is a mistake of the modules that did it. */
  register(participant: RetentionParticipant): void {
    if (this.participants.has(participant.name)) {
      throw new Error(`retention participant "${participant.name}" is registered twice`);
    }
    this.participants.set(participant.name, participant);
  }

  /** Every participant, in the order they registered. */
  all(): RetentionParticipant[] {
    return [...this.participants.values()];
  }
}
