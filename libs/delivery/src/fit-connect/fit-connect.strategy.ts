import { randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DeliveryTargetStrategy, Handoff, HandoffFailure, HandoffReceipt } from '../delivery-target.strategy';
import { FitConnectClient } from './fit-connect.client';
import { OutgoingAttachment, buildMetadata, buildSubmissionData, metadataMimeType } from './fit-connect.metadata';
import type { FitConnectTarget } from './fit-connect.target';

/**
 * Hands an application to the office's specialist software through FIT-Connect: the answers as one
 * JSON document (data), the metadata after the FIT-Connect metadata schema with SHA-512 hashes of
 * data and attachments, and every file of the hand-off as an attachment, all encrypted for the
 * destination's certified key. The receipt names the destination, the submission and the case;
 * whether the office accepted it is read later from the case's event log
 * ({@link FitConnectClient.events}).
 */
@Injectable()
export class FitConnectStrategy implements DeliveryTargetStrategy<FitConnectTarget> {
  readonly kind = 'fit-connect' as const;

  constructor(private readonly client: FitConnectClient) {}

  async send(handoff: Handoff, target: FitConnectTarget): Promise<HandoffReceipt> {
    const leikaId = target.leikaId ?? handoff.definition.leikaId;
    if (!leikaId || !/^\d{14}$/.test(leikaId)) {
      throw new HandoffFailure(
        `FIT-Connect: no LeiKa key of 14 digits for ${handoff.definition.owner}/${handoff.definition.key} (leikaId of the target or the definition)`,
        true,
      );
    }
    const attachments: OutgoingAttachment[] = [];
    for (const file of handoff.files) {
      let content: Buffer;
      try {
        content = await file.read();
      } catch (error) {
        throw new HandoffFailure(
          `FIT-Connect: the file ${file.filename} (${file.field}) cannot be read: ${(error as Error).message}`,
        );
      }
      attachments.push({
        attachmentId: randomUUID(),
        field: file.field,
        filename: file.filename,
        mimeType: metadataMimeType(file.contentType),
        content,
      });
    }
    const data = buildSubmissionData(handoff, attachments);
    const metadata = buildMetadata(handoff, data, attachments, leikaId);
    const sent = await this.client.submit(target, {
      serviceType: { identifier: metadata.publicServiceType.identifier, name: handoff.definition.title },
      data,
      metadata,
      attachments,
    });
    return { to: target.destinationId, submissionId: sent.submissionId, caseId: sent.caseId };
  }
}
