import { oneLine, textToHtml } from './mail-html';

describe('textToHtml', () => {
  it('escapes every character, makes paragraphs of blank lines and keeps single line breaks', () => {
    expect(textToHtml('Guten Tag <b>Max</b> & "Erika",\n\nZeile eins\nZeile zwei\n\n\n')).toBe(
      '<p>Guten Tag &lt;b&gt;Max&lt;/b&gt; &amp; &quot;Erika&quot;,</p>\n<p>Zeile eins<br>\nZeile zwei</p>',
    );
  });

  it('makes web addresses links, without the full stop after them', () => {
    expect(textToHtml('Bitte hier: https://a.example/konto?token=x1&y=2.')).toBe(
      '<p>Bitte hier: <a href="https://a.example/konto?token&#x3D;x1&amp;y&#x3D;2">' +
        'https://a.example/konto?token&#x3D;x1&amp;y&#x3D;2</a>.</p>',
    );
  });

  it('does not let an address carry markup or a javascript link', () => {
    const html = textToHtml('javascript:alert(1) https://x.example/"><script>alert(1)</script>');
    expect(html).not.toMatch(/<script|href="javascript/);
    expect(html).toContain('&lt;script&gt;');
  });
});

describe('oneLine', () => {
  it('puts a subject on one line', () => {
    expect(oneLine(' Ihr Antrag\r\nBcc: x@y.de \t ')).toBe('Ihr Antrag Bcc: x@y.de');
  });
});
