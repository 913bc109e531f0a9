import { Injectable } from '@nestjs/common';
import type { ApplicationEntity } from '@openrathaus/applications';
import { TenantScope, TenantTransactions } from '@openrathaus/database';

/** What a step did once: a document, a mail, a hand-off, a payment request. */
export type EffectKind = 'document' | 'mail' | 'handoff' | 'payment' | 'reminder';

/** The idempotency key of a step's effect: the application, the step's position and the kind. */
export const effectKey = (application: Pick<ApplicationEntity, 'id' | 'stepIndex'>, kind: string): string =>
  `${application.id}:${application.stepIndex}:${kind}`;

/**
 * The workflow's record of step effects (`workflow_effects`), each under its idempotency key with
 * its result. A step records its effect in the transaction that makes it, so a retried job finds
 * it and does not repeat it.
 */
@Injectable()
export class StepEffects {
  constructor(private readonly transactions: TenantTransactions) {}

  /** The result an effect recorded under `key`, or undefined when it has not happened. */
  async recorded(scope: TenantScope, key: string): Promise<Record<string, unknown> | undefined> {
    const rows = await scope.query<{ result: Record<string, unknown> }>(
      `select result from public.workflow_effects where key = $1`,
      [key],
    );
    return rows[0]?.result;
  }

  /** {@link recorded} in a transaction of its own, for steps whose effect is made outside one. */
  recordedFor(tenantId: string, key: string): Promise<Record<string, unknown> | undefined> {
    return this.transactions.run(tenantId, (scope) => this.recorded(scope, key));
  }

  /**
   * Records an effect in the caller's transaction. False when one was recorded under the key
   * before: the caller must not make the effect again.
   */
  async record(
    scope: TenantScope,
    application: Pick<ApplicationEntity, 'id' | 'stepIndex'>,
    kind: EffectKind,
    result: Record<string, unknown>,
  ): Promise<boolean> {
    // `on conflict do nothing returning` tells a first record from a repeated one in one statement.
    const rows = await scope.query(
      `insert into public.workflow_effects (tenant_id, key, application_id, step_index, kind, result)
       values ($1, $2, $3, $4, $5, $6)
       on conflict (tenant_id, key) do nothing
       returning key`,
      [
        scope.tenantId,
        effectKey(application, kind),
        application.id,
        application.stepIndex,
        kind,
        JSON.stringify(result),
      ],
    );
    return rows.length > 0;
  }

  /** Retention `delete`: removes the application's recorded effects, in the caller's transaction. */
  async forget(scope: TenantScope, applicationId: string): Promise<number> {
    const rows = await scope.query(`delete from public.workflow_effects where application_id = $1 returning key`, [
      applicationId,
    ]);
    return rows.length;
  }

  /**
   * Records an effect that belongs to no step (a reminder), under `<application>:<name>`; false
   * when it was recorded before.
   */
  async recordOnce(
    scope: TenantScope,
    application: Pick<ApplicationEntity, 'id' | 'stepIndex'>,
    name: string,
    result: Record<string, unknown>,
  ): Promise<boolean> {
    const rows = await scope.query(
      `insert into public.workflow_effects (tenant_id, key, application_id, step_index, kind, result)
       values ($1, $2, $3, $4, 'reminder', $5)
       on conflict (tenant_id, key) do nothing
       returning key`,
      [scope.tenantId, `${application.id}:${name}`, application.id, application.stepIndex, JSON.stringify(result)],
    );
    return rows.length > 0;
  }

  /** Every effect of an application, oldest first. */
  list(
    tenantId: string,
    applicationId: string,
  ): Promise<{ key: string; kind: EffectKind; stepIndex: number; result: Record<string, unknown> }[]> {
    return this.transactions.run(tenantId, (scope) =>
      scope.query(
        `select key, kind, step_index as "stepIndex", result from public.workflow_effects
          where application_id = $1 order by created_at, key`,
        [applicationId],
      ),
    );
  }
}
