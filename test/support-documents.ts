import { Applications } from '@openrathaus/applications';
import { ProcessDefinition } from '@openrathaus/catalog';
import { TenantTransactions } from '@openrathaus/database';
import { Documents, IssueDocumentInput } from '@openrathaus/documents';
import { TenantRegistry } from '@openrathaus/tenancy';
import { TestPortal } from './support';

export const PARKING_ANSWERS = {
  vorname: 'Erika',
  nachname: 'Mustermann',
  kennzeichen: 'RE-AB 123',
  zweitesKennzeichen: 'RE-XY 99',
  zone: 'Paulusviertel',
  halter: 'eigen',
};

/**
 * A submitted Bewohnerparkausweis of `slug` with its number, and its document issued as the
 * workflow's document step would: what a test of figures, support or backups needs to find.
 */
export async function issuedParkingPermit(portal: TestPortal, slug: string, number: string) {
  const tenant = portal.app.get(TenantRegistry).get(slug)!;
  const draft = await portal.app.get(Applications).startDraft(tenant, 'bewohnerparkausweis');
  const [row] = await portal.app.get(TenantTransactions).run(tenant.id, async (scope) => {
    await scope.query(
      `update public.applications set answers = $2, number = $3, status = 'in_review', submitted_at = now()
        where id = $1`,
      [draft.id, PARKING_ANSWERS, number],
    );
    return scope.query<{ parameters: Record<string, unknown>; document: ProcessDefinition }>(
      `select a.parameters, d.document from public.applications a
         join public.process_definitions d on d.id = a.definition_id where a.id = $1`,
      [draft.id],
    );
  });
  const input: IssueDocumentInput = {
    application: {
      id: draft.id,
      number,
      answers: PARKING_ANSWERS,
      parameters: row.parameters,
      submittedAt: new Date(),
    },
    definition: row.document,
    templateKey: 'parkausweis',
    holder: 'Erika Mustermann',
    locale: 'de',
  };
  const issued = await portal.app.get(Documents).issue(tenant, input);
  return { tenant, applicationId: draft.id, issued };
}
