import { X509Certificate, createPublicKey } from 'node:crypto';
import { HandoffFailure } from '../delivery-target.strategy';

/** The public parts of an RSA key as FIT-Connect publishes it: a JWK with its certificate chain. */
export interface PublishedKey {
  kty?: unknown;
  kid?: unknown;
  alg?: unknown;
  use?: unknown;
  key_ops?: unknown;
  n?: unknown;
  e?: unknown;
  /** Base64 (not base64url) DER certificates: the key's own first, each next one its issuer. */
  x5c?: unknown;
}

/** What the check found out about the key's certificate. */
export interface CheckedCertificate {
  subject: string;
  issuer: string;
  validTo: Date;
  fingerprint256: string;
}

/** Splits a PEM text into its certificates; the text may hold one or several. */
export function parsePemCertificates(pem: string): X509Certificate[] {
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  return blocks.map((block) => new X509Certificate(block));
}

/**
 * Checks that `key` may be trusted: its `x5c` chain leads, certificate by certificate (issuer and
 * subject names, signatures, CA flag of every issuer), to one of the certificates in
 * `trustedCaPem`; every certificate in the way is valid at `now`; and the first certificate holds
 * exactly the key of the JWK. Throws a permanent {@link HandoffFailure} naming the first fault.
 */
export function checkKeyCertificateChain(
  key: PublishedKey,
  trustedCaPem: string,
  now: Date = new Date(),
  label = 'the destination key',
): CheckedCertificate {
  const refuse = (why: string): never => {
    throw new HandoffFailure(
      `FIT-Connect: ${label}${typeof key.kid === 'string' ? ` (${key.kid})` : ''} is not trusted: ${why}`,
      true,
    );
  };
  let anchors: X509Certificate[];
  try {
    anchors = parsePemCertificates(trustedCaPem);
  } catch {
    return refuse('the trusted CA certificate (trustedCaPem) cannot be read');
  }
  if (!anchors.length) refuse('no trusted CA certificate is configured (trustedCaPem)');
  if (!Array.isArray(key.x5c) || key.x5c.length === 0) refuse('it has no certificate chain (x5c)');
  const chain = (key.x5c as unknown[]).map((entry, index) => {
    if (typeof entry !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(entry)) {
      return refuse(`certificate ${index} of x5c is not base64`);
    }
    try {
      return new X509Certificate(Buffer.from(entry, 'base64'));
    } catch {
      return refuse(`certificate ${index} of x5c is not an X.509 certificate`);
    }
  });

  const checkDates = (certificate: X509Certificate, name: string): void => {
    const from = new Date(certificate.validFrom);
    const to = new Date(certificate.validTo);
    if (now < from)
      refuse(`${name} (${certificate.subject.replace(/\n/g, ', ')}) is valid only from ${from.toISOString()}`);
    if (now > to) refuse(`${name} (${certificate.subject.replace(/\n/g, ', ')}) expired on ${to.toISOString()}`);
  };
  const checkIssued = (child: X509Certificate, parent: X509Certificate, name: string): boolean =>
    child.checkIssued(parent) && parent.ca && child.verify(parent.publicKey) ? true : refuse(name);

  chain.forEach((certificate, index) =>
    checkDates(certificate, index === 0 ? 'its certificate' : `chain certificate ${index}`),
  );
  for (let index = 0; index + 1 < chain.length; index++) {
    checkIssued(chain[index], chain[index + 1], `chain certificate ${index + 1} did not issue certificate ${index}`);
  }

  // The chain ends at a trusted certificate or at one that a trusted certificate issued.
  const last = chain[chain.length - 1];
  const anchor =
    anchors.find((candidate) => candidate.fingerprint256 === last.fingerprint256) ??
    anchors.find((candidate) => last.checkIssued(candidate) && candidate.ca && last.verify(candidate.publicKey));
  if (!anchor) refuse('its certificate chain does not lead to the trusted CA');
  checkDates(anchor!, 'the trusted CA certificate');

  const leaf = chain[0];
  const certified = leaf.publicKey.export({ format: 'jwk' });
  if (key.kty !== 'RSA' || certified.kty !== 'RSA') refuse('it is not an RSA key');
  if (key.n !== certified.n || key.e !== certified.e) refuse('the JWK holds another key than its certificate');
  // The key object must also be usable as such (a malformed modulus fails here).
  try {
    createPublicKey({ key: { kty: 'RSA', n: key.n as string, e: key.e as string }, format: 'jwk' });
  } catch {
    refuse('the JWK cannot be read as an RSA key');
  }
  return {
    subject: leaf.subject.replace(/\n/g, ', '),
    issuer: leaf.issuer.replace(/\n/g, ', '),
    validTo: new Date(leaf.validTo),
    fingerprint256: leaf.fingerprint256,
  };
}
