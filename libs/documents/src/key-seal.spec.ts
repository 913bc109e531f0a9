import { randomBytes } from 'node:crypto';
import { openPrivateKey, sealPrivateKey } from './key-seal';

const SECRET = 'a-secret-of-at-least-thirty-two-characters';

describe('sealed private keys', () => {
  const plain = randomBytes(48);

  it('open with the same secret and context', () => {
    const sealed = sealPrivateKey(SECRET, 'signing-key:t:k', plain);
    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain(plain.toString('base64url'));
    expect(openPrivateKey(SECRET, 'signing-key:t:k', sealed).equals(plain)).toBe(true);
  });

  it('differ each time (fresh IV)', () => {
    expect(sealPrivateKey(SECRET, 'c', plain)).not.toBe(sealPrivateKey(SECRET, 'c', plain));
  });

  it('do not open with another secret, in another row or when altered', () => {
    const sealed = sealPrivateKey(SECRET, 'signing-key:tenant-a:k1', plain);
    expect(() => openPrivateKey(`${SECRET}!`, 'signing-key:tenant-a:k1', sealed)).toThrow();
    expect(() => openPrivateKey(SECRET, 'signing-key:tenant-b:k1', sealed)).toThrow();
    const parts = sealed.split('.');
    const data = Buffer.from(parts[3], 'base64url');
    data[0] ^= 1;
    parts[3] = data.toString('base64url');
    expect(() => openPrivateKey(SECRET, 'signing-key:tenant-a:k1', parts.join('.'))).toThrow();
    expect(() => openPrivateKey(SECRET, 'signing-key:tenant-a:k1', 'v2.a.b.c')).toThrow();
    expect(() => openPrivateKey(SECRET, 'signing-key:tenant-a:k1', 'garbage')).toThrow();
  });
});
