import 'reflect-metadata';
import { randomBytes, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { HandoffFailure } from '../delivery-target.strategy';
import { PublishedKey, checkKeyCertificateChain } from './certificate-chain';

x509.cryptoProvider.set(webcrypto as unknown as Crypto);

const DAY = 24 * 60 * 60 * 1000;
const NOW = new Date();
const SIGNING = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' } as const;

const keys = (): Promise<CryptoKeyPair> =>
  webcrypto.subtle.generateKey({ ...SIGNING, modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]) }, true, [
    'sign',
    'verify',
  ]);

interface Issued {
  cert: x509.X509Certificate;
  keys: CryptoKeyPair;
}

async function certificate(
  name: string,
  subjectKeys: CryptoKeyPair,
  options: { issuer?: Issued; ca: boolean; from?: Date; to?: Date },
): Promise<Issued> {
  const issuer = options.issuer ?? { cert: undefined, keys: subjectKeys };
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomBytes(8).toString('hex'),
    subject: name,
    issuer: options.issuer ? options.issuer.cert.subject : name,
    notBefore: options.from ?? new Date(NOW.getTime() - DAY),
    notAfter: options.to ?? new Date(NOW.getTime() + 365 * DAY),
    signingAlgorithm: SIGNING,
    publicKey: subjectKeys.publicKey,
    signingKey: issuer.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(options.ca, undefined, true),
      await x509.SubjectKeyIdentifierExtension.create(subjectKeys.publicKey),
      await x509.AuthorityKeyIdentifierExtension.create(issuer.keys.publicKey),
    ],
  });
  return { cert, keys: subjectKeys };
}

const der = (issued: Issued): string => Buffer.from(issued.cert.rawData).toString('base64');

async function jwkOf(issued: Issued, chain: Issued[]): Promise<PublishedKey> {
  const { kty, n, e } = await webcrypto.subtle.exportKey('jwk', issued.keys.publicKey);
  return { kty, n, e, kid: 'enc-1', key_ops: ['wrapKey'], x5c: chain.map(der) };
}

function refusal(key: PublishedKey, pem: string, now = NOW): string {
  try {
    checkKeyCertificateChain(key, pem, now);
  } catch (error) {
    expect(error).toBeInstanceOf(HandoffFailure);
    expect((error as HandoffFailure).permanent).toBe(true);
    return (error as HandoffFailure).message;
  }
  throw new Error('the key was accepted');
}

describe('checkKeyCertificateChain', () => {
  let root: Issued;
  let intermediate: Issued;
  let leaf: Issued;
  let otherRoot: Issued;
  let rootPem: string;

  beforeAll(async () => {
    root = await certificate('CN=Root', await keys(), { ca: true });
    intermediate = await certificate('CN=Intermediate', await keys(), { issuer: root, ca: true });
    leaf = await certificate('CN=Destination', await keys(), { issuer: intermediate, ca: false });
    otherRoot = await certificate('CN=Root', await keys(), { ca: true });
    rootPem = root.cert.toString('pem');
  });

  it('accepts a key whose chain leads through an intermediate to the trusted root', async () => {
    const checked = checkKeyCertificateChain(await jwkOf(leaf, [leaf, intermediate]), rootPem, NOW);
    expect(checked.subject).toBe('CN=Destination');
    expect(checked.issuer).toBe('CN=Intermediate');
  });

  it('accepts a chain that includes the trusted root itself, and a PEM of several CAs', async () => {
    const pem = `${otherRoot.cert.toString('pem')}\n${rootPem}`;
    const key = await jwkOf(leaf, [leaf, intermediate, root]);
    expect(checkKeyCertificateChain(key, pem, NOW).subject).toBe('CN=Destination');
  });

  it('refuses a chain that ends at another root of the same name', async () => {
    const stranger = await certificate('CN=Intermediate', await keys(), { issuer: otherRoot, ca: true });
    const forged = await certificate('CN=Destination', leaf.keys, { issuer: stranger, ca: false });
    expect(refusal(await jwkOf(forged, [forged, stranger]), rootPem)).toMatch(/does not lead to the trusted CA/);
  });

  it('refuses a chain whose certificates do not follow each other', async () => {
    expect(refusal(await jwkOf(leaf, [intermediate, leaf]), rootPem)).toMatch(
      /chain certificate 1 did not issue certificate 0/,
    );
  });

  it('refuses a certificate issued by one that is not a CA', async () => {
    const child = await certificate('CN=Child', await keys(), { issuer: leaf, ca: false });
    expect(refusal(await jwkOf(child, [child, leaf, intermediate]), rootPem)).toMatch(
      /chain certificate 1 did not issue certificate 0/,
    );
  });

  it('refuses an expired certificate and one not yet valid, by the clock given', async () => {
    const key = await jwkOf(leaf, [leaf, intermediate]);
    expect(refusal(key, rootPem, new Date(NOW.getTime() + 400 * DAY))).toMatch(
      /its certificate \(CN=Destination\) expired on/,
    );
    expect(refusal(key, rootPem, new Date(NOW.getTime() - 2 * DAY))).toMatch(/valid only from/);
  });

  it('refuses a JWK that holds another key than its certificate', async () => {
    const other = await jwkOf(intermediate, [leaf, intermediate]);
    expect(refusal(other, rootPem)).toMatch(/the JWK holds another key than its certificate/);
  });

  it('refuses a key without a chain, with a malformed chain, and a missing trust anchor', async () => {
    const key = await jwkOf(leaf, [leaf, intermediate]);
    expect(refusal({ ...key, x5c: undefined }, rootPem)).toMatch(/no certificate chain \(x5c\)/);
    expect(refusal({ ...key, x5c: ['not base64!'] }, rootPem)).toMatch(/certificate 0 of x5c is not base64/);
    expect(refusal({ ...key, x5c: [Buffer.from('hello').toString('base64')] }, rootPem)).toMatch(
      /not an X\.509 certificate/,
    );
    expect(refusal(key, '')).toMatch(/no trusted CA certificate is configured/);
  });
});
