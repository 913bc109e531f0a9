import { newVerifyCode, parseVerifyCode } from './verify-code';

describe('verification codes', () => {
  it('are short, URL-safe and read back as written', () => {
    const code = newVerifyCode('kreis-recklinghausen');
    expect(code).toMatch(/^kreis-recklinghausen\.[0-9A-HJKMNP-TV-Z]{4}(-[0-9A-HJKMNP-TV-Z]{4}){3}$/);
    expect(encodeURIComponent(code)).toBe(code);
    expect(parseVerifyCode(code)).toEqual({ slug: 'kreis-recklinghausen', code });
  });

  it('forgive case, spaces, missing dashes and O/I/L for 0/1', () => {
    for (let i = 0; i < 200; i++) {
      const code = newVerifyCode('gelsenkirchen');
      const serial = code.slice('gelsenkirchen.'.length);
      const typed = `  GelsenKirchen.${serial.replace(/-/g, ' ').toLowerCase().replace(/0/g, 'o').replace(/1/g, 'l')} `;
      expect(parseVerifyCode(typed)?.code).toBe(code);
    }
  });

  it('catch almost every single mistyped symbol by their check symbols', () => {
    const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
    let accepted = 0;
    let tried = 0;
    for (let n = 0; n < 20; n++) {
      const code = newVerifyCode('herten');
      const symbols = code.slice('herten.'.length).replace(/-/g, '');
      for (let i = 0; i < symbols.length; i++) {
        for (const c of alphabet) {
          if (c === symbols[i]) continue;
          tried++;
          if (parseVerifyCode(`herten.${symbols.slice(0, i)}${c}${symbols.slice(i + 1)}`)) accepted++;
        }
      }
    }
    // 10 check bits: about one in 1,024 passes, and then it names no document.
    expect(accepted / tried).toBeLessThan(0.005);
  });

  it('refuse truncated, moved and malformed codes', () => {
    const code = newVerifyCode('marl');
    for (const bad of [
      code.slice(0, -1),
      code.slice(0, 10),
      `${code}X`,
      code.replace('marl.', 'herten.'),
      code.replace('.', '-'),
      `.${code.split('.')[1]}`,
      'marl.',
      '',
      'x'.repeat(10_000),
      `marl.${'U'.repeat(16)}`,
      '../../etc/passwd',
      'marl.%00%00',
      'märl.ABCD-ABCD-ABCD-ABCD',
      42,
      null,
      { code },
    ]) {
      expect(parseVerifyCode(bad)).toBeUndefined();
    }
  });

  it('do not repeat', () => {
    const codes = new Set(Array.from({ length: 5000 }, () => newVerifyCode('a')));
    expect(codes.size).toBe(5000);
  });
});
