import { localPath, loginPath } from './citizen-auth';

describe('localPath', () => {
  it.each([
    ['/leistungen', '/leistungen'],
    ['/konto/identitaet?level=high&next=%2Fkonto', '/konto/identitaet?level=high&next=%2Fkonto'],
    [['/a', '/b'], '/a'],
    ['//evil.example/x', '/konto'],
    ['/\\evil.example', '/konto'],
    ['https://evil.example/', '/konto'],
    ['javascript:alert(1)', '/konto'],
    ['/a\nSet-Cookie: x', '/konto'],
    ['/a\u0000', '/konto'],
    ['', '/konto'],
    [undefined, '/konto'],
    [42, '/konto'],
    [`/${'x'.repeat(1000)}`, '/konto'],
  ])('%p -> %p', (next, path) => {
    expect(localPath(next)).toBe(path);
  });

  it('builds the login path that returns', () => {
    expect(loginPath('/konto')).toBe('/konto/anmelden?next=%2Fkonto');
    expect(loginPath('//evil')).toBe('/konto/anmelden?next=%2Fkonto');
  });
});
