import { Injectable } from '@nestjs/common';
import { TenantTransactions } from '@openrathaus/database';
import { CatalogService, ProcessDefinition } from '@openrathaus/catalog';
import type { Tenant } from '@openrathaus/tenancy';
import { ApplicationEntity } from './application.entity';
import { ApplicationsError, ApplicationsErrorCode } from './applications.error';

/** An application with the definition version it is bound to. */
export interface PinnedApplication {
  application: ApplicationEntity;
  definition: ProcessDefinition;
}

/** Applications and the definition version each one keeps for its whole life. */
@Injectable()
export class Applications {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly catalog: CatalogService,
  ) {}

  /** Starts a draft of an online service with the version and parameters the tenant serves now. */
  async startDraft(tenant: Tenant, serviceKey: string): Promise<ApplicationEntity> {
    const service = await this.catalog.get(tenant, serviceKey);
    if (service.type !== 'online' || !service.definition) {
      throw new ApplicationsError(ApplicationsErrorCode.NotOnline, { key: serviceKey });
    }
    const { id, owner, key, version } = service.definition;
    return this.transactions.run(tenant.id, (scope) =>
      scope.insert(ApplicationEntity, {
        serviceKey,
        definitionId: id,
        definitionRef: `${owner}/${key}@${version}`,
        status: 'draft',
        answers: {},
        parameters: service.parameters,
      }),
    );
  }

  /** The application and the exact definition version it began with. */
  async pinned(tenant: Tenant, applicationId: string): Promise<PinnedApplication> {
    return this.transactions.run(tenant.id, async (scope) => {
      const application = await scope.findOne(ApplicationEntity, { id: applicationId });
      if (!application) throw new ApplicationsError(ApplicationsErrorCode.NotFound, { id: applicationId });
      const rows = await scope.query<{ document: ProcessDefinition }>(
        `select document from public.process_definitions where id = $1`,
        [application.definitionId],
      );
      if (!rows.length) throw new ApplicationsError(ApplicationsErrorCode.NotFound, { id: applicationId });
      return { application, definition: rows[0].document };
    });
  }
}
