import { inertData, inertText } from './inert-text';
import { textToHtml } from './mail-html';

const J = '\u2060';
// What an auto-linker finds: a scheme, `www.`, a host with a dot, an address with `@`.
const LINKISH = /https?:\/\/|www\.|[a-z0-9-]+\.[a-z]{2,}|[a-z0-9._%+-]+@[a-z0-9-]/i;

describe('inertText', () => {
  it.each(['www.evil.example/login', 'http://evil.example/x', 'HTTPS://evil.example', 'a@b.de', 'evil.example'])(
    'leaves nothing an auto-linker takes for an address in %s',
    (text) => {
      const inert = inertText(text);
      expect(inert).not.toMatch(LINKISH);
      // Readable as typed once the invisible joiners are gone; only a scheme's colon is bracketed.
      expect(inert.replaceAll(J, '')).toBe(text.replace(/^(https?):/i, '$1[:]'));
    },
  );

  it('is not made a link by the HTML step of a mail', () => {
    const html = textToHtml(`Ihre Angabe: ${inertText('www.evil.example/login http://evil.example/x')}`);
    expect(html).not.toContain('<a');
    expect(html).not.toMatch(LINKISH);
  });

  it('leaves text without addresses as it is', () => {
    expect(inertText('Erika Mustermann, RE-AB 123')).toBe('Erika Mustermann, RE-AB 123');
  });
});

describe('inertData', () => {
  it('reaches every string of answers, in groups and lists, and keeps other values', () => {
    const data = inertData({ a: 'x.de', n: 3, ok: true, none: null, list: ['y@z.de'], group: { w: 'www.q.de' } });
    expect(data).toEqual({
      a: `x${J}.${J}de`,
      n: 3,
      ok: true,
      none: null,
      list: [`y${J}@${J}z${J}.${J}de`],
      group: { w: `www${J}.${J}q${J}.${J}de` },
    });
  });
});
