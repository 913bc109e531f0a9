import { createHash } from 'node:crypto';
import type { Handoff } from '../delivery-target.strategy';

/** The version of the FIT-Connect metadata schema the metadata follows. */
export const METADATA_SCHEMA_URI = 'https://schema.fitko.de/fit-connect/metadata/1.0.0/metadata.schema.json';

/** The schema of the data document (`contentStructure.data.submissionSchema.schemaUri`). */
export const DATA_SCHEMA_URI = 'urn:openrathaus:schema:handoff:1.0';

/** A hash as the metadata schema writes it: SHA-512, hex. */
export interface MetadataHash {
  type: 'sha512';
  content: string;
}

/** One attachment of the submission, with the id it is announced under. */
export interface OutgoingAttachment {
  attachmentId: string;
  /** The answer path of the upload field, or `summary` for the PDF summary. */
  field: string;
  filename: string;
  mimeType: string;
  content: Buffer;
}

/** The metadata of a submission (FIT-Connect metadata schema 1.0.0). */
export interface SubmissionMetadata {
  $schema: string;
  publicServiceType: { identifier: string; name?: string };
  contentStructure: {
    data: { hash: MetadataHash; submissionSchema: { schemaUri: string; mimeType: 'application/json' } };
    attachments: {
      attachmentId: string;
      hash: MetadataHash;
      purpose: 'form' | 'attachment' | 'report';
      filename: string;
      description: string;
      mimeType: string;
    }[];
  };
  additionalReferenceInfo: { senderReference: string; applicationDate?: string };
  replyChannel?: { eMail: { address: string } };
}

/** SHA-512 of `bytes`, hex, as the metadata schema wants it. */
export function sha512(bytes: Buffer): MetadataHash {
  return { type: 'sha512', content: createHash('sha512').update(bytes).digest('hex') };
}

/** The LeiKa key as the URN FIT-Connect names a service with. */
export function leikaUrn(leikaId: string): string {
  return `urn:de:fim:leika:leistung:${leikaId}`;
}

/** A MIME type the metadata schema accepts: without parameters, or `application/octet-stream`. */
export function metadataMimeType(contentType: string): string {
  const bare = contentType.split(';')[0].trim().toLowerCase();
  return /^[-\w.]+\/[-\w.+]+$/.test(bare) ? bare : 'application/octet-stream';
}

/**
 * The data of the submission: one JSON document with the application, the answers as given and as
 * a flat list with labels and FIM data field ids, and which attachment holds which upload.
 */
export function buildSubmissionData(handoff: Handoff, attachments: OutgoingAttachment[]): Buffer {
  const document = {
    $schema: DATA_SCHEMA_URI,
    handoffId: handoff.id,
    tenant: handoff.tenant,
    application: handoff.application,
    definition: handoff.definition,
    ...(handoff.office ? { office: handoff.office } : {}),
    fields: handoff.fields.map((field) => ({
      path: field.path,
      label: field.label,
      ...(field.fimId ? { fimId: field.fimId } : {}),
      value: field.value,
    })),
    attachments: attachments.map((a) => ({ attachmentId: a.attachmentId, field: a.field, filename: a.filename })),
  };
  return Buffer.from(JSON.stringify(document), 'utf8');
}

/**
 * The metadata after the FIT-Connect metadata schema: the service (LeiKa URN), the data's schema
 * and SHA-512 hash, every attachment with its hash, purpose (`form` for the PDF summary,
 * `attachment` for the citizen's uploads) and MIME type, the application number as the sender's
 * reference, and the applicant's e-mail address as the reply channel where there is one.
 */
export function buildMetadata(
  handoff: Handoff,
  data: Buffer,
  attachments: OutgoingAttachment[],
  leikaId: string,
): SubmissionMetadata {
  const date = /^\d{4}-\d{2}-\d{2}/.exec(handoff.application.submittedAt)?.[0];
  const email = handoff.application.applicant.email;
  return {
    $schema: METADATA_SCHEMA_URI,
    publicServiceType: { identifier: leikaUrn(leikaId), name: handoff.definition.title },
    contentStructure: {
      data: { hash: sha512(data), submissionSchema: { schemaUri: DATA_SCHEMA_URI, mimeType: 'application/json' } },
      attachments: attachments.map((a) => ({
        attachmentId: a.attachmentId,
        hash: sha512(a.content),
        purpose: a.field === 'summary' ? 'form' : 'attachment',
        filename: a.filename,
        description: a.field,
        mimeType: a.mimeType,
      })),
    },
    additionalReferenceInfo: {
      senderReference: handoff.application.number,
      ...(date ? { applicationDate: date } : {}),
    },
    ...(email && /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(email) ? { replyChannel: { eMail: { address: email } } } : {}),
  };
}
