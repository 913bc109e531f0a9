import {
  groupedTotpSecret,
  newRecoveryCodes,
  newTotpSecret,
  normalRecoveryCode,
  openTotpSecret,
  recoveryHash,
  sealTotpSecret,
  totpCodeAt,
  totpStep,
  totpUri,
} from './staff-totp';

// RFC 6238, appendix B: the SHA-1 secret "12345678901234567890", in base32.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';

describe('staff TOTP', () => {
  it('computes the codes of RFC 6238 (SHA-1, last six digits)', () => {
    expect(totpCodeAt(RFC_SECRET, new Date(59_000))).toBe('287082');
    expect(totpCodeAt(RFC_SECRET, new Date(1111111109_000))).toBe('081804');
    expect(totpCodeAt(RFC_SECRET, new Date(2000000000_000))).toBe('279037');
  });

  it('accepts a code one step either side of now and names its step, nothing further off', () => {
    const now = new Date(1_800_000_015_000);
    const step = Math.floor(now.getTime() / 30_000);
    expect(totpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, now), now)).toBe(step);
    expect(totpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, new Date(now.getTime() - 30_000)), now)).toBe(step - 1);
    expect(totpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, new Date(now.getTime() + 30_000)), now)).toBe(step + 1);
    expect(totpStep(RFC_SECRET, totpCodeAt(RFC_SECRET, new Date(now.getTime() - 60_000)), now)).toBeUndefined();
    expect(totpStep(RFC_SECRET, '12345', now)).toBeUndefined();
    expect(totpStep(RFC_SECRET, '12a456', now)).toBeUndefined();
  });

  it('makes 160-bit secrets and an otpauth URI an authenticator app reads', () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(newTotpSecret()).not.toBe(secret);
    const uri = new URL(totpUri(secret, 'Stadt Gelsenkirchen', 'sb@gelsenkirchen.de'));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(uri.searchParams.get('secret')).toBe(secret);
    expect(uri.searchParams.get('issuer')).toBe('Stadt Gelsenkirchen');
    expect(uri.searchParams.get('algorithm')).toBe('SHA1');
    expect(uri.searchParams.get('digits')).toBe('6');
    expect(uri.searchParams.get('period')).toBe('30');
    expect(groupedTotpSecret('ABCDEFGHIJ')).toBe('ABCD EFGH IJ');
  });

  it('hands out distinct recovery codes and recognises them however they are typed', () => {
    const codes = newRecoveryCodes();
    expect(codes).toHaveLength(10);
    expect(new Set(codes).size).toBe(10);
    for (const code of codes)
      expect(code).toMatch(/^[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/);
    const [code] = codes;
    expect(recoveryHash(code.toLowerCase().replace(/-/g, ' '))).toBe(recoveryHash(code));
    expect(recoveryHash(code)).not.toBe(recoveryHash(codes[1]));
    expect(normalRecoveryCode('123456')).toBeUndefined();
    expect(normalRecoveryCode('IIII-LLLL-OOOO')).toBeUndefined();
  });

  it('seals the secret so that it opens only with the same platform secret and account', () => {
    const appSecret = 'x'.repeat(40);
    const sealed = sealTotpSecret(appSecret, 'account-1', RFC_SECRET);
    expect(sealed).not.toContain(RFC_SECRET);
    expect(openTotpSecret(appSecret, 'account-1', sealed)).toBe(RFC_SECRET);
    expect(() => openTotpSecret(appSecret, 'account-2', sealed)).toThrow();
    expect(() => openTotpSecret('y'.repeat(40), 'account-1', sealed)).toThrow();
  });
});
