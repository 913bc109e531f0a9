import { argon2id, hash } from 'argon2';
import { AppConfig, CoreError, CoreErrorCode } from '@openrathaus/core';
import { PASSWORD_HASH_OPTIONS, PasswordHasher } from './password-hash';

const hasher = (hashConcurrency: number, hashQueue: number) =>
  new PasswordHasher({ limits: { hashConcurrency, hashQueue } } as AppConfig);

// Hashing is meant to be slow, the more on a busy machine: a generous limit, no timing asserted.
jest.setTimeout(120_000);

describe('PasswordHasher', () => {
  it("hashes with OWASP's parameters: argon2id, 19 MiB, two passes, one lane", async () => {
    const made = await hasher(2, 10).hash('correct horse battery staple');
    expect(made).toMatch(/^\$argon2id\$v=19\$m=19456,p=1,t=2\$/);
    expect(PASSWORD_HASH_OPTIONS).toMatchObject({ memoryCost: 19 * 1024, timeCost: 2, parallelism: 1 });
  });

  it('renews a hash made with other parameters when the password matches, and only then', async () => {
    const passwords = hasher(2, 10);
    // The library's defaults, which earlier versions stored: 64 MiB, three passes, four lanes.
    const old = await hash('geheim-und-lang', { type: argon2id });
    expect(old).toMatch(/m=65536,p=4,t=3/);
    expect(passwords.outdated(old)).toBe(true);

    expect(await passwords.verifyAndRenew(old, 'falsch')).toEqual({ ok: false });
    const check = await passwords.verifyAndRenew(old, 'geheim-und-lang');
    expect(check.ok).toBe(true);
    expect(check.renewed).toMatch(/m=19456,p=1,t=2/);
    expect(await passwords.verify(check.renewed as string, 'geheim-und-lang')).toBe(true);

    const current = await passwords.hash('geheim-und-lang');
    expect(passwords.outdated(current)).toBe(false);
    expect(await passwords.verifyAndRenew(current, 'geheim-und-lang')).toEqual({ ok: true });
    expect(passwords.outdated('not a hash')).toBe(false);
  });

  it('runs a bounded number of hashes at once; the rest wait in line, and past the line get Busy', async () => {
    const passwords = hasher(1, 2);
    const first = passwords.hash('eins-eins-eins');
    const second = passwords.hash('zwei-zwei-zwei');
    const third = passwords.hash('drei-drei-drei');
    expect(passwords.load).toEqual({ running: 1, waiting: 2 });
    await expect(passwords.hash('vier-vier-vier')).rejects.toEqual(
      new CoreError(CoreErrorCode.Busy, { what: 'password' }),
    );
    const hashes = await Promise.all([first, second, third]);
    expect(hashes).toHaveLength(3);
    expect(passwords.load).toEqual({ running: 0, waiting: 0 });
  });
});
