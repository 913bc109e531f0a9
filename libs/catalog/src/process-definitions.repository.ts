import { Injectable } from '@nestjs/common';
import { TenantScope } from '@openrathaus/database';
import type { LocalizedText } from '@openrathaus/i18n';
import type { ProcessDefinition } from './definition/process-definition';

/** What a list of applications shows of the definition version each was made with. */
export interface DefinitionSummary {
  id: string;
  title: LocalizedText;
  /** The form's first page. */
  firstPage: string;
}

/**
 * Published definition versions (`process_definitions`) as other libs read them: by id, in the
 * caller's transaction, as far as row-level security lets its tenant see them.
 */
@Injectable()
export class ProcessDefinitionsRepository {
  /** One version's document, undefined when the tenant may not see it. */
  async document(scope: TenantScope, id: string): Promise<ProcessDefinition | undefined> {
    const rows = await scope.query<{ document: ProcessDefinition }>(
      `select document from public.process_definitions where id = $1`,
      [id],
    );
    return rows[0]?.document;
  }

  /** Title and first page of the versions given, in no particular order. */
  summaries(scope: TenantScope, ids: string[]): Promise<DefinitionSummary[]> {
    if (!ids.length) return Promise.resolve([]);
    return scope.query<DefinitionSummary>(
      `select id, document->'title' as title, document#>>'{form,pages,0,id}' as "firstPage"
         from public.process_definitions where id = any($1::uuid[])`,
      [ids],
    );
  }
}
