import fc from 'fast-check';
import { checkAll, checkEmail, checkName, checkNewPassword, checkPassword, checkToken } from './account-input';
import { IdentityError } from './identity.error';

const faultsOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof IdentityError) return error.fields.map((f) => `${f.field}:${f.key}`);
    throw error;
  }
  return [];
};

describe('account input checks', () => {
  it('lower-cases and trims e-mail addresses', () => {
    expect(checkEmail('  Erika.Mustermann@Example.ORG ')).toBe('erika.mustermann@example.org');
  });

  it.each([
    [undefined, 'email:required'],
    ['   ', 'email:required'],
    [['a@example.org'], 'email:single'],
    [42, 'email:single'],
    ['kein-mail', 'email:email'],
    ['a\u0000b@example.org', 'email:email'],
    [`${'x'.repeat(250)}@example.org`, 'email:too_long'],
  ])('refuses the e-mail %p', (value, fault) => {
    expect(faultsOf(() => checkEmail(value))).toEqual([fault]);
  });

  it('keeps passwords as typed and asks 12 characters of new ones', () => {
    expect(checkPassword('  leer  ')).toBe('  leer  ');
    expect(faultsOf(() => checkNewPassword('kurz'))).toEqual(['password:identity.password_short']);
    expect(faultsOf(() => checkPassword('x'.repeat(1025)))).toEqual(['password:too_long']);
    expect(faultsOf(() => checkPassword(''))).toEqual(['password:required']);
  });

  it('refuses control characters in names and malformed tokens', () => {
    expect(checkName(' Erika  Mustermann ')).toBe('Erika  Mustermann');
    expect(faultsOf(() => checkName('Erika\u0000'))).toEqual(['name:invalid']);
    expect(faultsOf(() => checkName('Er\u2028ika'))).toEqual(['name:invalid']);
    expect(faultsOf(() => checkToken('a'.repeat(42)))).toEqual(['token:identity.token_invalid']);
    expect(checkToken('a'.repeat(43))).toBe('a'.repeat(43));
  });

  it('reports the faults of all fields at once', () => {
    expect(
      faultsOf(() =>
        checkAll(
          () => checkEmail(''),
          () => checkNewPassword('x'),
          () => checkName(undefined),
        ),
      ),
    ).toEqual(['email:required', 'password:identity.password_short', 'name:required']);
  });

  it('answers any input with a value or a field fault, never another error', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), fc.anything(), (email, password, name) => {
        try {
          checkAll(
            () => checkEmail(email),
            () => checkNewPassword(password),
            () => checkName(name),
          );
        } catch (error) {
          expect(error).toBeInstanceOf(IdentityError);
          expect((error as IdentityError).fields.length).toBeGreaterThan(0);
        }
      }),
    );
  });
});
