import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { Applications, Casework } from '@openrathaus/applications';
import { APP_CONFIG, AppConfig, FILE_STORAGE, FileStorage } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import { renderSummaryPdf } from '@openrathaus/documents';
import { HandlesJob, JobHandler, JobPayload, Outbox } from '@openrathaus/jobs';
import {
  DeliveryTargetConfig,
  Tenant,
  TenantRegistry,
  deliverySecretName,
  resolveDeliveryTarget,
  tenantBaseUrl,
} from '@openrathaus/tenancy';
import { retryDelayMs } from './backoff';
import { DeliveriesRepository, DeliveryRow } from './deliveries.repository';
import { DELIVERY_QUEUE, Deliveries, SEND_JOB, summaryKey } from './deliveries.service';
import { DeliveryTargetStrategy, Handoff, HandoffFailure, HandoffReceipt } from './delivery-target.strategy';
import { EmailDeliveryStrategy } from './email.strategy';
import { FitConnectClient } from './fit-connect/fit-connect.client';
import { FitConnectStrategy } from './fit-connect/fit-connect.strategy';
import type { FitConnectTarget } from './fit-connect/fit-connect.target';
import { handoffFields } from './handoff-fields';
import { WebhookDeliveryStrategy } from './webhook.strategy';

/**
 * Sends one hand-off (the job `handoff.send`, queued by the outbox when the step starts it and by
 * the poller for each retry): takes the row for the attempt, builds what every target gets, sends
 * it through the target's strategy and records the outcome. Success goes on with the application;
 * a failure waits twice as long as the last before the next attempt, and after
 * `DELIVERY_GIVE_UP_MINUTES` (24 hours) the hand-off is a dead letter with its last error.
 */
@Injectable()
@HandlesJob(DELIVERY_QUEUE, SEND_JOB)
export class DeliverySendHandler implements JobHandler {
  private readonly logger = new Logger('DeliverySend');

  constructor(
    private readonly rows: DeliveriesRepository,
    private readonly deliveries: Deliveries,
    private readonly transactions: TenantTransactions,
    private readonly registry: TenantRegistry,
    private readonly applications: Applications,
    private readonly casework: Casework,
    private readonly outbox: Outbox,
    private readonly email: EmailDeliveryStrategy,
    private readonly webhook: WebhookDeliveryStrategy,
    private readonly fitConnectStrategy: FitConnectStrategy,
    private readonly fitConnect: FitConnectClient,
    @Inject(FILE_STORAGE) private readonly storage: FileStorage,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async handle(payload: JobPayload): Promise<unknown> {
    const tenant = this.registry.getById(payload.tenantId) ?? (await this.registry.reload(payload.tenantId));
    if (!tenant) return { skipped: 'unknown tenant' };
    // Held for longer than one attempt can take; a sender that dies lets it go when this runs out.
    const hold = Math.ceil((this.config.delivery.timeoutMs * 3) / 1000) + 60;
    const row = await this.transactions.run(tenant.id, (scope) => this.rows.take(scope, payload.deliveryId, hold));
    if (!row) return { skipped: 'not due' };
    try {
      if (row.status === 'awaiting_ack') return await this.follow(tenant, row);
      const receipt = await this.attempt(tenant, row);
      return { [receipt.awaiting ? 'submitted' : 'delivered']: row.id, to: receipt.to };
    } catch (error) {
      return this.failed(tenant, row, error);
    }
  }

  /**
   * A FIT-Connect submission waits for the destination's word in the case's event log: accepted is
   * delivered (and the application goes on), rejected needs a person; no word yet is looked at
   * again later, until the hand-off's time runs out.
   */
  private async follow(tenant: Tenant, row: DeliveryRow): Promise<unknown> {
    const caseId = typeof row.receipt?.caseId === 'string' ? row.receipt.caseId : undefined;
    const target = caseId ? this.targetOf(tenant, row.target) : undefined;
    if (!caseId || !target || target.kind !== 'fit-connect') {
      throw new HandoffFailure('the submission cannot be followed: no case id or no FIT-Connect target', true);
    }
    const status = await this.fitConnect.events(this.fitConnectTarget(tenant, target), caseId);
    await this.transactions.run(tenant.id, async (scope) => {
      if (status.status === 'accepted') {
        await this.rows.settle(scope, row.id, { status: 'delivered', lastError: null });
        await this.deliveries.audit(scope, row, 'application.delivered', 'workflow', {
          target: row.target,
          kind: row.kind,
          to: row.receipt?.to,
          caseId,
        });
        await this.outbox.add(scope, row.continueQueue, row.continueJob, { applicationId: row.applicationId });
      } else if (status.status === 'rejected') {
        const problems = status.problems.map((p) => p.title ?? p.detail ?? p.type).join('; ') || 'rejected';
        await this.rows.settle(scope, row.id, {
          status: 'rejected',
          lastError: `rejected by the destination: ${problems}`,
        });
        await this.deliveries.audit(scope, row, 'application.delivery_rejected', 'workflow', {
          target: row.target,
          caseId,
          problems,
        });
      } else if (Date.now() - new Date(row.createdAt).getTime() >= this.config.delivery.giveUpMs) {
        await this.rows.settle(scope, row.id, {
          status: 'dead',
          lastError: 'no acknowledgement from the destination in time',
        });
        await this.deliveries.audit(scope, row, 'application.delivery_failed', 'workflow', {
          target: row.target,
          caseId,
          error: 'no acknowledgement',
        });
      } else {
        await this.rows.settle(scope, row.id, {
          status: 'awaiting_ack',
          nextAttemptAt: new Date(Date.now() + this.config.delivery.retryBaseMs),
        });
      }
    });
    return { followed: row.id, status: status.status };
  }

  private targetOf(tenant: Tenant, id: string): DeliveryTargetConfig | undefined {
    return tenant.config.delivery?.targets?.find((t) => t.id === id);
  }

  /** A FIT-Connect target as the client takes it: the secret from the environment, the CA from the tenant's folder. */
  private fitConnectTarget(tenant: Tenant, target: DeliveryTargetConfig): FitConnectTarget {
    let trustedCaPem = '';
    try {
      trustedCaPem = target.trustedCa
        ? readFileSync(join(this.config.tenantsDir, tenant.slug, target.trustedCa), 'utf8')
        : '';
    } catch {
      throw new HandoffFailure(`the trusted CA ${target.trustedCa ?? ''} cannot be read`, true);
    }
    return {
      submissionUrl: target.submissionUrl ?? '',
      tokenUrl: target.tokenUrl ?? '',
      clientId: target.clientId ?? '',
      clientSecret: this.secrets(tenant, target.id)[0] ?? '',
      destinationId: target.destinationId ?? '',
      trustedCaPem,
    };
  }

  private secrets(tenant: Tenant, target: string): string[] {
    return this.config.delivery.secrets[deliverySecretName(tenant.slug, target).slice('DELIVERY_SECRET_'.length)] ?? [];
  }

  private async attempt(tenant: Tenant, row: DeliveryRow): Promise<HandoffReceipt> {
    const { application, definition } = await this.transactions.run(tenant.id, (scope) =>
      this.applications.pinnedIn(scope, row.applicationId),
    );
    const step = definition.steps[row.stepIndex];
    const officeId = step?.office ? application.parameters[step.office] : undefined;
    const resolved = resolveDeliveryTarget(
      tenant.config,
      definition.key,
      step?.target,
      typeof officeId === 'string' ? officeId : undefined,
    );
    if (!resolved.ok) throw new HandoffFailure(`no target "${resolved.target}" (${resolved.reason})`, true);
    const handoff = await this.handoff(tenant, row, application, definition, officeId);
    const target = resolved.target;
    const strategy: DeliveryTargetStrategy<never> =
      target.kind === 'email' ? this.email : target.kind === 'webhook' ? this.webhook : this.fitConnectStrategy;
    const options = (
      target.kind === 'fit-connect'
        ? this.fitConnectTarget(tenant, target)
        : {
            email: target.email ?? '',
            url: target.url ?? '',
            secrets: this.secrets(tenant, target.id),
            baseUrl: tenantBaseUrl(tenant, this.config),
          }
    ) as never;
    let receipt: HandoffReceipt | undefined;
    if (!strategy.sendWithin) receipt = await strategy.send(handoff, options);
    if (target.kind === 'fit-connect') {
      // Taken by the Submission API; delivered once the destination accepts it.
      await this.transactions.run(tenant.id, async (scope) => {
        await this.rows.settle(scope, row.id, {
          status: 'awaiting_ack',
          lastError: null,
          receipt,
          nextAttemptAt: new Date(Date.now() + this.config.delivery.retryBaseMs),
        });
        await this.deliveries.audit(scope, row, 'application.delivery_submitted', 'workflow', {
          target: row.target,
          to: receipt?.to,
          caseId: receipt?.caseId,
        });
      });
      return { ...(receipt as HandoffReceipt), awaiting: true };
    }
    await this.transactions.run(tenant.id, async (scope) => {
      if (strategy.sendWithin) receipt = await strategy.sendWithin(scope, handoff, options);
      await this.rows.settle(scope, row.id, { status: 'delivered', lastError: null, receipt });
      await this.deliveries.audit(scope, row, 'application.delivered', 'workflow', {
        target: row.target,
        kind: row.kind,
        to: receipt?.to,
        attempts: row.attempts,
      });
      await this.outbox.add(scope, row.continueQueue, row.continueJob, { applicationId: row.applicationId });
    });
    return receipt as HandoffReceipt;
  }

  private async failed(tenant: Tenant, row: DeliveryRow, error: unknown): Promise<unknown> {
    const message = (error instanceof Error ? error.message : String(error)).slice(0, 1000);
    const permanent = error instanceof HandoffFailure && error.permanent;
    const unexpected = !(error instanceof HandoffFailure);
    const age = Date.now() - new Date(row.createdAt).getTime();
    const giveUp = permanent || age >= this.config.delivery.giveUpMs;
    const delay = retryDelayMs(row.attempts, this.config.delivery.retryBaseMs, this.config.delivery.retryMaxMs);
    // A submission FIT-Connect took stays taken: what failed is reading its event log, not the hand-off.
    const following = row.status === 'awaiting_ack';
    await this.transactions.run(tenant.id, async (scope) => {
      if (following && !giveUp) {
        await this.rows.settle(scope, row.id, {
          status: 'awaiting_ack',
          lastError: message,
          nextAttemptAt: new Date(Date.now() + delay),
        });
      } else if (giveUp) {
        await this.rows.settle(scope, row.id, { status: 'dead', lastError: message });
        await this.deliveries.audit(scope, row, 'application.delivery_failed', 'workflow', {
          target: row.target,
          attempts: row.attempts,
          error: message,
        });
      } else {
        await this.rows.settle(scope, row.id, {
          status: 'retrying',
          lastError: message,
          nextAttemptAt: new Date(Date.now() + delay),
        });
      }
    });
    const entry = {
      tenant: tenant.slug,
      handoffId: row.id,
      target: row.target,
      attempts: row.attempts,
      error: message,
    };
    if (giveUp) this.logger.error(entry, 'hand-off parked as a dead letter');
    else if (unexpected) this.logger.error({ ...entry, err: error }, 'hand-off failed unexpectedly; retried');
    else this.logger.warn(entry, 'hand-off failed; retried');
    return giveUp ? { dead: row.id, error: message } : { retry: row.id, inMs: delay, error: message };
  }

  /** What every target gets: the application, its definition, the answers with labels and FIM ids, the files and the PDF summary. */
  private async handoff(
    tenant: Tenant,
    row: DeliveryRow,
    application: Awaited<ReturnType<Applications['pinnedIn']>>['application'],
    definition: Awaited<ReturnType<Applications['pinnedIn']>>['definition'],
    officeId: unknown,
  ): Promise<Handoff> {
    const [owner] = application.definitionRef.split('/');
    const office = tenant.config.offices?.find((o) => o.id === officeId);
    const fields = handoffFields(definition.form, application.answers);
    const stored = await this.transactions.run(tenant.id, (scope) => this.casework.storedFiles(scope, application.id));
    const submittedAt = (application.submittedAt ?? application.updatedAt).toISOString();
    const title = definition.title.de ?? definition.key;
    const key = summaryKey(tenant.id, row.id);
    const pdf = await renderSummaryPdf({
      language: 'de',
      tenantName: tenant.name,
      title: `${title} – Antrag ${application.number ?? ''}`.trim(),
      facts: [
        { label: 'Antragsnummer', value: application.number ?? '' },
        { label: 'Leistung', value: `${title} (${application.definitionRef})` },
        { label: 'Eingegangen', value: new Date(submittedAt).toLocaleString('de-DE', { timeZone: 'Europe/Berlin' }) },
        {
          label: 'Antragstellende Person',
          value: [application.applicantName, application.applicantEmail].filter(Boolean).join(', '),
        },
        ...(office ? [{ label: 'Zuständig', value: office.name }] : []),
        { label: 'Dateien', value: stored.map((f) => f.filename).join(', ') || 'keine' },
        { label: 'Übergabe-ID', value: row.id },
      ],
      rows: fields.map((f) => ({ label: f.label, value: f.text })),
      pageLabel: 'Seite {page} von {pages}',
      createdAt: new Date(),
    });
    await this.storage.put(key, Buffer.from(pdf));
    return {
      id: row.id,
      tenant: { slug: tenant.slug, name: tenant.name },
      application: {
        id: application.id,
        number: application.number ?? '',
        submittedAt,
        answers: application.answers,
        applicant: {
          ...(application.applicantName ? { name: application.applicantName } : {}),
          ...(application.applicantEmail ? { email: application.applicantEmail } : {}),
        },
      },
      definition: {
        owner,
        key: definition.key,
        version: definition.version,
        title,
        ...(definition.leika ? { leikaId: definition.leika } : {}),
      },
      ...(office
        ? {
            office: {
              id: office.id,
              name: office.name,
              ...(office.contact?.email ? { email: office.contact.email } : {}),
            },
          }
        : {}),
      fields,
      files: [
        {
          id: 'summary',
          field: 'summary',
          filename: `antrag-${application.number ?? application.id}.pdf`,
          contentType: 'application/pdf',
          size: pdf.length,
          storageKey: key,
          read: () => Promise.resolve(Buffer.from(pdf)),
        },
        ...stored.map((f) => ({
          id: f.id,
          field: f.field,
          filename: f.filename,
          contentType: f.mediaType,
          size: f.size,
          storageKey: f.storageKey,
          read: async () => {
            const bytes = await this.storage.get(f.storageKey);
            if (!bytes) throw new HandoffFailure(`file ${f.filename} is missing in the storage`);
            return bytes;
          },
        })),
      ],
    };
  }
}
