import { Inject, Injectable } from '@nestjs/common';
import { APP_CONFIG, AppConfig } from '@openrathaus/core';
import { DeliveryTargetStrategy, Handoff, HandoffFailure, HandoffReceipt } from './delivery-target.strategy';
import { FILE_LINK_SECONDS, fileLinkPath } from './file-links';
import { postToTarget } from './target-request';
import { signWebhook } from './webhook-signature';

/** A webhook target: its URL, its secrets (new one first while rotating) and the tenant's base URL for file links. */
export interface WebhookTarget {
  url: string;
  secrets: string[];
  baseUrl: string;
}

/** The event type of a hand-off in the webhook's body. */
export const HANDOFF_EVENT = 'application.submitted';

/**
 * The hand-off as a signed webhook (Standard Webhooks): a JSON body as `docs/delivery.md`
 * describes it, with the answers (FIM ids where known) and signed, expiring links to the files.
 * The `webhook-id` is the hand-off's id on every attempt, so that the receiver can drop a repeat.
 */
@Injectable()
export class WebhookDeliveryStrategy implements DeliveryTargetStrategy<WebhookTarget> {
  readonly kind = 'webhook';

  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  async send(handoff: Handoff, target: WebhookTarget): Promise<HandoffReceipt> {
    if (target.secrets.length === 0) throw new HandoffFailure('the webhook has no secret (DELIVERY_SECRET_…)');
    const now = Math.floor(Date.now() / 1000);
    const body = JSON.stringify(webhookBody(handoff, target.baseUrl, this.config.secret, now));
    const headers = signWebhook(target.secrets, handoff.id, now, body);
    const { status } = await postToTarget(target.url, body, headers, {
      timeoutMs: this.config.delivery.timeoutMs,
      strict: this.config.env === 'production',
      allowHosts: this.config.delivery.allowHosts,
    });
    return { to: target.url, status };
  }
}

/** The JSON a webhook receives; its schema is in `docs/delivery.md`. */
export function webhookBody(handoff: Handoff, baseUrl: string, secret: string, nowSeconds: number) {
  const expires = nowSeconds + FILE_LINK_SECONDS;
  return {
    type: HANDOFF_EVENT,
    timestamp: new Date(nowSeconds * 1000).toISOString(),
    data: {
      handoffId: handoff.id,
      tenant: handoff.tenant,
      definition: handoff.definition,
      office: handoff.office ?? null,
      application: {
        id: handoff.application.id,
        number: handoff.application.number,
        submittedAt: handoff.application.submittedAt,
        applicant: handoff.application.applicant,
        answers: handoff.application.answers,
      },
      fields: handoff.fields.map((f) => ({
        path: f.path,
        label: f.label,
        ...(f.fimId ? { fimId: f.fimId } : {}),
        value: f.value,
      })),
      files: handoff.files.map((f) => ({
        field: f.field,
        filename: f.filename,
        contentType: f.contentType,
        size: f.size,
        url: baseUrl + fileLinkPath(secret, handoff.id, f.id, expires),
        expiresAt: new Date(expires * 1000).toISOString(),
      })),
    },
  };
}
