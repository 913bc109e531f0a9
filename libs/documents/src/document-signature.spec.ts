import { generateKeyPairSync } from 'node:crypto';
import { SignedFields, canonicalPayload, signPayload, verifyPayload } from './document-signature';

const fields: SignedFields = {
  tenantId: '00000000-0000-4000-8000-000000000001',
  documentId: '00000000-0000-4000-8000-000000000002',
  applicationId: '00000000-0000-4000-8000-000000000003',
  template: 'parkausweis',
  verifyCode: 'gelsenkirchen.7K3M-9QXT-2BHD-4RW5',
  keyId: '00000000-0000-4000-8000-000000000004',
  title: 'Bewohnerparkausweis',
  holder: 'Erika Mustermann',
  number: 'GE-2026-000123',
  content: 'Kennzeichen GE-AB 123\nZone „A“',
  issuedAt: '2026-03-15T10:00:00.000Z',
  validUntil: '2027-03-15',
  sha256: 'a'.repeat(64),
};

describe('document signatures', () => {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const spki = publicKey.export({ format: 'der', type: 'spki' }).toString('base64');

  it('sign a canonical payload with sorted keys', () => {
    const payload = canonicalPayload(fields);
    expect(payload.startsWith('{"v":1,"applicationId":')).toBe(true);
    expect(canonicalPayload({ ...fields })).toBe(payload);
    expect(verifyPayload(spki, payload, signPayload(privateKey, payload))).toBe(true);
  });

  it('fail for any changed field, another key or garbage', () => {
    const signature = signPayload(privateKey, canonicalPayload(fields));
    for (const change of [{ holder: 'Max Mustermann' }, { validUntil: '2028-03-15' }, { sha256: 'b'.repeat(64) }]) {
      expect(verifyPayload(spki, canonicalPayload({ ...fields, ...change }), signature)).toBe(false);
    }
    const other = generateKeyPairSync('ed25519').publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    expect(verifyPayload(other, canonicalPayload(fields), signature)).toBe(false);
    expect(verifyPayload('not a key', canonicalPayload(fields), signature)).toBe(false);
    expect(verifyPayload(spki, canonicalPayload(fields), 'short')).toBe(false);
  });
});
