import { Injectable } from '@nestjs/common';
import { TenantScope } from '@openrathaus/database';

/** A caseworker's internal note on an application; citizens never see it. */
export interface CaseNote {
  id: string;
  applicationId: string;
  authorId: string;
  author: string;
  body: string;
  createdAt: Date;
}

/** The back office's notes (`case_notes`): added, never changed, until retention removes them. */
@Injectable()
export class CaseNotesRepository {
  async add(
    scope: TenantScope,
    note: { applicationId: string; authorId: string; author: string; body: string },
  ): Promise<CaseNote> {
    const [row] = await scope.query<NoteRow>(
      `insert into public.case_notes (tenant_id, application_id, author_id, author, body)
       values ($1, $2, $3, $4, $5)
       returning id, application_id, author_id, author, body, created_at`,
      [scope.tenantId, note.applicationId, note.authorId, note.author, note.body],
    );
    return toNote(row);
  }

  /** Retention `delete`: removes the application's notes; returns how many. */
  async deleteOf(scope: TenantScope, applicationId: string): Promise<number> {
    const rows = await scope.query(`delete from public.case_notes where application_id = $1 returning id`, [
      applicationId,
    ]);
    return rows.length;
  }

  /** Retention `anonymise`: empties the texts of the application's notes (author and time stay); returns how many. */
  async blankOf(scope: TenantScope, applicationId: string): Promise<number> {
    const rows = await scope.query(
      `update public.case_notes set body = '' where application_id = $1 and body <> '' returning id`,
      [applicationId],
    );
    return rows.length;
  }

  async of(scope: TenantScope, applicationId: string): Promise<CaseNote[]> {
    const rows = await scope.query<NoteRow>(
      `select id, application_id, author_id, author, body, created_at from public.case_notes
        where application_id = $1 order by created_at, id`,
      [applicationId],
    );
    return rows.map(toNote);
  }
}

interface NoteRow {
  id: string;
  application_id: string;
  author_id: string;
  author: string;
  body: string;
  created_at: Date;
}

const toNote = (row: NoteRow): CaseNote => ({
  id: row.id,
  applicationId: row.application_id,
  authorId: row.author_id,
  author: row.author,
  body: row.body,
  createdAt: row.created_at,
});
