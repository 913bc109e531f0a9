import { Injectable } from '@nestjs/common';
import type { RetentionAction } from '@openrathaus/catalog';
import type { TenantScope } from '@openrathaus/database';
import { RetentionParticipant, RetentionParticipants } from '@openrathaus/workflow';
import { CaseNotesRepository } from './case-notes.repository';

/**
 * The caseworkers' notes in the retention sweep: deleted with their application, emptied of their
 * text when it is anonymised (who wrote a note and when stays in the record).
 */
@Injectable()
export class CaseNotesRetention implements RetentionParticipant {
  readonly name = 'notes';

  constructor(
    private readonly notes: CaseNotesRepository,
    participants: RetentionParticipants,
  ) {
    participants.register(this);
  }

  forget(scope: TenantScope, applicationId: string, action: RetentionAction): Promise<number> {
    return action === 'delete' ? this.notes.deleteOf(scope, applicationId) : this.notes.blankOf(scope, applicationId);
  }
}
