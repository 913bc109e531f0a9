import { Inject, Injectable, Logger } from '@nestjs/common';
import { Applications, Casework } from '@openrathaus/applications';
import { APP_CONFIG, AppConfig, FILE_STORAGE, FileStorage } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import { renderSummaryPdf } from '@openrathaus/documents';
import { HandlesJob, JobHandler, JobPayload, Outbox } from '@openrathaus/jobs';
import { Tenant, TenantRegistry, deliverySecretName, resolveDeliveryTarget, tenantBaseUrl } from '@openrathaus/tenancy';
import { retryDelayMs } from './backoff';
import { DeliveriesRepository, DeliveryRow } from './deliveries.repository';
import { DELIVERY_QUEUE, Deliveries, SEND_JOB, summaryKey } from './deliveries.service';
import { DeliveryTargetStrategy, Handoff, HandoffFailure, HandoffReceipt } from './delivery-target.strategy';
import { EmailDeliveryStrategy } from './email.strategy';
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
      const receipt = await this.attempt(tenant, row);
      return { delivered: row.id, to: receipt.to };
    } catch (error) {
      return this.failed(tenant, row, error);
    }
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
    const strategy: DeliveryTargetStrategy<never> | undefined =
      target.kind === 'email' ? this.email : target.kind === 'webhook' ? this.webhook : undefined;
    if (!strategy) throw new HandoffFailure(`no sender for targets of kind ${target.kind} here`, true);
    const options = {
      email: target.email ?? '',
      url: target.url ?? '',
      secrets:
        this.config.delivery.secrets[deliverySecretName(tenant.slug, target.id).slice('DELIVERY_SECRET_'.length)] ?? [],
      baseUrl: tenantBaseUrl(tenant, this.config),
    } as never;
    let receipt: HandoffReceipt | undefined;
    if (!strategy.sendWithin) receipt = await strategy.send(handoff, options);
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
    await this.transactions.run(tenant.id, async (scope) => {
      if (giveUp) {
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
