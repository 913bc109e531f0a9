import { Module } from '@nestjs/common';
import { CaseNotesRepository } from './case-notes.repository';

/** The caseworkers' side of applications: inbox, detail, decisions, notes, statistics of a tenant. */
@Module({
  providers: [CaseNotesRepository],
  exports: [CaseNotesRepository],
})
export class BackofficeModule {}
