import type { ApplicationEntity } from '@openrathaus/applications';
import type { StepDefinition } from '@openrathaus/catalog';
import type { Tenant } from '@openrathaus/tenancy';

/** The responsible office's address (by the step's office parameter), else the tenant's own. */
export function officeEmail(tenant: Tenant, application: ApplicationEntity, step: StepDefinition): string | undefined {
  const officeId = step.office ? application.parameters[step.office] : undefined;
  const office = tenant.config.offices?.find((o) => o.id === officeId);
  return office?.contact?.email ?? tenant.config.contact?.email;
}
