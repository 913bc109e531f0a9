import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { Applications, Owner } from '@openrathaus/applications';
import { projectRoot } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import type { Tenant } from '@openrathaus/tenancy';
import { Workflow } from '@openrathaus/workflow';
import type { TestPortal } from './support';

/** Answers of a Bewohnerparkausweis that its form takes. */
export const PERMIT_ANSWERS = {
  vorname: 'Erika',
  nachname: 'Mustermann',
  kennzeichen: 'RE-AB 123',
  zone: 'Paulusviertel',
  halter: 'eigen',
};

/** The Bewohnerparkausweis's steps: form, identity, payment, then the worker's document, notify and deliver. */
export const PERMIT_STEPS = { document: 3, deliver: 5 } as const;

/**
 * A copy of the demo tenants in which Recklinghausen's `tenant.yaml` ends with `delivery` (the YAML
 * of the section, indented as in the file) and its `assets/` hold `assets`; removed by `remove`.
 */
export function tenantsWithDelivery(
  delivery: string[],
  assets: Record<string, string> = {},
): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'or-delivery-tenants-'));
  cpSync(join(projectRoot(), 'tenants'), dir, { recursive: true });
  for (const [name, text] of Object.entries(assets)) writeFileSync(join(dir, 'recklinghausen', 'assets', name), text);
  const file = join(dir, 'recklinghausen', 'tenant.yaml');
  writeFileSync(file, `${readFileSync(file, 'utf8')}delivery:\n${delivery.map((l) => `  ${l}`).join('\n')}\n`);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A one-page PDF, as an upload field takes it. */
export async function onePagePdf(): Promise<Buffer> {
  const doc = await PDFDocument.create();
  doc.addPage([200, 200]);
  return Buffer.from(await doc.save());
}

/**
 * A Bewohnerparkausweis of Recklinghausen, paid and at its `deliver` step with a PDF in its upload
 * field, run on by the worker's job as the worker would: its hand-off starts. Returns its id.
 */
export async function permitDueForHandoff(
  portal: TestPortal,
  tenant: Tenant,
  number: string,
  pdf: Buffer,
): Promise<string> {
  const applications = portal.app.get(Applications);
  const draft = await applications.startDraft(tenant, 'bewohnerparkausweis');
  const nobody = { citizenId: null } as unknown as Owner;
  await applications.addAttachment(tenant, nobody, draft.id, 'nachweisNutzung', {
    bytes: pdf,
    filename: 'nutzung.pdf',
  });
  await portal.app.get(TenantTransactions).run(tenant.id, (scope) =>
    scope.query(
      `update public.applications set answers = $2, status = 'paid', number = $3, fee_cents = 3070,
         submitted_at = now(), step_index = $4 where id = $1`,
      [draft.id, PERMIT_ANSWERS, number, PERMIT_STEPS.deliver],
    ),
  );
  await portal.app.get(Workflow).advance(tenant, draft.id, { inline: false });
  return draft.id;
}
