import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { Handoff } from '../delivery-target.strategy';
import {
  DATA_SCHEMA_URI,
  METADATA_SCHEMA_URI,
  OutgoingAttachment,
  buildMetadata,
  buildSubmissionData,
  metadataMimeType,
} from './fit-connect.metadata';

const schema = JSON.parse(
  readFileSync(
    join(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'fit-connect', 'metadata-1.0.0.schema.json'),
    'utf8',
  ),
) as object;
const ajv = new Ajv2020({ allErrors: true });
addFormats(ajv);
const validate = ajv.compile(schema);

const hex = (bytes: Buffer): string => createHash('sha512').update(bytes).digest('hex');

const handoff = (email?: string): Handoff => ({
  id: 'h-1',
  tenant: { slug: 'dorsten', name: 'Stadt Dorsten' },
  application: {
    id: 'a-1',
    number: 'DO-2026-7',
    submittedAt: '2026-05-06T07:08:09.000Z',
    answers: { name: 'Erika' },
    applicant: { name: 'Erika', email },
  },
  definition: { owner: 'dorsten', key: 'gewerbe', version: '2.0.0', title: 'Gewerbe anmelden' },
  fields: [{ path: 'name', label: 'Name', fimId: 'F60000227', value: 'Erika', text: 'Erika' }],
  files: [],
});

const attachments: OutgoingAttachment[] = [
  {
    attachmentId: '25abf553-0e53-43b9-a14a-1581b32a9ee5',
    field: 'summary',
    filename: 'antrag.pdf',
    mimeType: 'application/pdf',
    content: Buffer.from('%PDF-1.7'),
  },
  {
    attachmentId: '046a9fa5-bed6-494b-aab6-d41056c6db79',
    field: 'nachweise.0.datei',
    filename: 'ausweis.png',
    mimeType: 'image/png',
    content: Buffer.from([137, 80, 78, 71]),
  },
];

describe('FIT-Connect metadata', () => {
  it('is valid after the published metadata schema, with the hashes of data and attachments', () => {
    const data = buildSubmissionData(handoff('erika@example.org'), attachments);
    const metadata = buildMetadata(handoff('erika@example.org'), data, attachments, '99050012104000');

    expect(validate(metadata)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    expect(metadata.$schema).toBe(METADATA_SCHEMA_URI);
    expect(metadata.publicServiceType).toEqual({
      identifier: 'urn:de:fim:leika:leistung:99050012104000',
      name: 'Gewerbe anmelden',
    });
    expect(metadata.contentStructure.data).toEqual({
      hash: { type: 'sha512', content: hex(data) },
      submissionSchema: { schemaUri: DATA_SCHEMA_URI, mimeType: 'application/json' },
    });
    expect(metadata.contentStructure.attachments).toEqual([
      expect.objectContaining({ purpose: 'form', hash: { type: 'sha512', content: hex(attachments[0].content) } }),
      expect.objectContaining({ purpose: 'attachment', mimeType: 'image/png', description: 'nachweise.0.datei' }),
    ]);
    expect(metadata.additionalReferenceInfo).toEqual({ senderReference: 'DO-2026-7', applicationDate: '2026-05-06' });
    expect(metadata.replyChannel).toEqual({ eMail: { address: 'erika@example.org' } });
  });

  it('leaves the reply channel out without a usable e-mail address', () => {
    const data = buildSubmissionData(handoff('not an address'), []);
    const metadata = buildMetadata(handoff('not an address'), data, [], '99050012104000');
    expect(metadata.replyChannel).toBeUndefined();
    expect(validate(metadata)).toBe(true);
  });

  it('is refused by the schema when a part breaks it (the check above can fail)', () => {
    const data = buildSubmissionData(handoff(), attachments);
    const metadata = buildMetadata(handoff(), data, attachments, '99050012104000');
    const broken = JSON.parse(JSON.stringify(metadata));
    broken.contentStructure.attachments[0].hash.content = 'abc';
    expect(validate(broken)).toBe(false);
  });

  it('writes the data as one JSON document with answers, fields and FIM ids, and which attachment holds which upload', () => {
    const data = JSON.parse(buildSubmissionData(handoff(), attachments).toString('utf8'));
    expect(data.$schema).toBe(DATA_SCHEMA_URI);
    expect(data.application.answers).toEqual({ name: 'Erika' });
    expect(data.fields).toEqual([{ path: 'name', label: 'Name', fimId: 'F60000227', value: 'Erika' }]);
    expect(data.attachments).toEqual([
      { attachmentId: attachments[0].attachmentId, field: 'summary', filename: 'antrag.pdf' },
      { attachmentId: attachments[1].attachmentId, field: 'nachweise.0.datei', filename: 'ausweis.png' },
    ]);
  });

  it('gives MIME types the schema accepts', () => {
    expect(metadataMimeType('Image/JPEG; name="a.jpg"')).toBe('image/jpeg');
    expect(metadataMimeType('nonsense')).toBe('application/octet-stream');
    expect(metadataMimeType('application/vnd.oasis.opendocument.text')).toBe('application/vnd.oasis.opendocument.text');
  });
});
