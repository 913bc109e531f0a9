export * from './delivery-target.strategy';
export * from './deliveries.repository';
export * from './deliveries.service';
export * from './delivery.error';
export * from './delivery.module';
export * from './delivery-poller.service';
export * from './handoff-fields';
export * from './target-request';
export * from './webhook-signature';
export * from './webhook.strategy';
export * from './fit-connect/fit-connect.target';
export * from './fit-connect/fit-connect.client';
export * from './fit-connect/fit-connect.strategy';
export { checkKeyCertificateChain, parsePemCertificates } from './fit-connect/certificate-chain';
export type { CheckedCertificate, PublishedKey } from './fit-connect/certificate-chain';
export {
  buildMetadata,
  buildSubmissionData,
  DATA_SCHEMA_URI,
  METADATA_SCHEMA_URI,
} from './fit-connect/fit-connect.metadata';
export type { OutgoingAttachment, SubmissionMetadata } from './fit-connect/fit-connect.metadata';
