import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '@openrathaus/core';
import { I18n } from '@openrathaus/i18n';
import { CachedPage, PageCache } from './page-cache.service';
import { themeCss } from './theme';
import { ViewEngine } from './view-engine.service';

describe('themeCss', () => {
  it('sets KERN UX action colours from the tenant colours', () => {
    expect(themeCss({ primaryColor: '#004b93', secondaryColor: '#ffcc00' })).toContain(
      '--kern-color-action-default:#004b93',
    );
  });

  it('lets nothing but a hex colour into the style block', () => {
    const css = themeCss({ primaryColor: 'red}</style><script>alert(1)</script>' });
    expect(css).not.toContain('<');
    expect(css).toContain('--or-primary:#1d4f91');
  });
});

describe('PageCache', () => {
  it('drops the pages of one tenant only', () => {
    const cache = new PageCache();
    cache.set('a@1', 'de', '/', { html: Buffer.from('A'), etag: '"a"' });
    cache.set('a@1', 'en', '/', { html: Buffer.from('A en'), etag: '"ae"' });
    cache.set('b@1', 'de', '/', { html: Buffer.from('B'), etag: '"b"' });
    cache.dropTenant('a@1');
    expect(cache.get('a@1', 'de', '/')).toBeUndefined();
    expect(cache.get('b@1', 'de', '/')?.html.toString()).toBe('B');
    expect(cache.size).toBe(1);
  });

  it('drops the pages of every tenant at once', () => {
    const cache = new PageCache();
    cache.set('a@1', 'de', '/', { html: Buffer.from('A'), etag: '"a"' });
    cache.set('b@1', 'de', '/', { html: Buffer.from('B'), etag: '"b"' });
    cache.clear();
    expect(cache.size).toBe(0);
    expect(cache.get('a@1', 'de', '/')).toBeUndefined();
    cache.set('b@2', 'de', '/', { html: Buffer.from('B2'), etag: '"b2"' });
    expect(cache.get('b@2', 'de', '/')?.html.toString()).toBe('B2');
  });
});

describe('PageCache compression', () => {
  const page = (): CachedPage => ({
    html: Buffer.from('<p>Bewohnerparkausweis beantragen</p>\n'.repeat(200)),
    etag: '"p"',
  });
  const settled = () => new Promise((resolve) => setTimeout(resolve, 200));

  it('makes a compressed form only when a client asks for it, and only that one', async () => {
    const cache = new PageCache();
    const cached = page();
    cache.set('a@1', 'de', '/', cached);
    await settled();
    expect(cached.br).toBeUndefined();
    expect(cached.gzip).toBeUndefined();
    cached.want?.('br');
    for (let i = 0; i < 50 && !cached.br; i++) await settled();
    expect(cached.br?.etag).toBe('"p-br"');
    expect(brotliDecompressSync(cached.br!.body).equals(cached.html)).toBe(true);
    expect(cached.gzip).toBeUndefined();
    cached.want?.('gzip');
    for (let i = 0; i < 50 && !cached.gzip; i++) await settled();
    expect(gunzipSync(cached.gzip!.body).equals(cached.html)).toBe(true);
  });

  it('compresses no answer that has left the cache', async () => {
    const cache = new PageCache();
    const cached = page();
    cache.set('a@1', 'de', '/', cached);
    cache.dropTenant('a@1');
    cached.want?.('br');
    await settled();
    expect(cached.br).toBeUndefined();
  });
});

describe('ViewEngine', () => {
  const views = new ViewEngine(new I18n().register(join(projectRoot(), 'libs', 'web', 'locales')));
  let overlayDir: string;

  beforeAll(() => {
    overlayDir = mkdtempSync(join(tmpdir(), 'or-overlay-'));
    mkdirSync(join(overlayDir, 'templates', 'partials'), { recursive: true });
    writeFileSync(
      join(overlayDir, 'templates', 'partials', 'footer.hbs'),
      '<footer>Eigener Fuß {{site.name}}</footer>',
    );
  });
  afterAll(() => rmSync(overlayDir, { recursive: true, force: true }));

  const data = (name: string) => ({ locale: 'de', title: 'T', theme: '', languages: [], site: { name } });

  it('escapes data, translates, and lets a tenant override a partial without touching others', () => {
    const base = views.render('not-found', data('<b>Stadt</b>'));
    expect(base).toContain('&lt;b&gt;Stadt&lt;/b&gt;');
    expect(base).toContain('Seite nicht gefunden');
    const overlaid = views.render('not-found', data('Marl'), { key: 'marl@1', dir: overlayDir });
    expect(overlaid).toContain('<footer>Eigener Fuß Marl</footer>');
    expect(views.render('not-found', data('Herten'))).not.toContain('Eigener Fuß');
  });
});

describe('PageCache bounds', () => {
  const page = (kb: number) => ({ html: Buffer.alloc(kb * 1024), etag: `"${kb}"` });

  it('keeps at most 256 MB of pages, dropping the least recently used first', () => {
    const cache = new PageCache();
    cache.set('a@1', 'de', '/', page(1)); // the busy home page, read again and again
    for (let i = 0; i < 300; i++) {
      cache.set('b@1', 'de', `/leistungen/${i}`, page(1024)); // 1 MB each: 300 MB in all
      expect(cache.get('a@1', 'de', '/')).toBeDefined();
    }
    expect(cache.size).toBeLessThanOrEqual(257);
    expect(cache.get('b@1', 'de', '/leistungen/0')).toBeUndefined();
    expect(cache.get('b@1', 'de', '/leistungen/299')).toBeDefined();
  });

  it('counts a page written again once', () => {
    const cache = new PageCache();
    for (let i = 0; i < 1000; i++) cache.set('a@1', 'de', '/', page(1024));
    expect(cache.size).toBe(1);
    cache.set('a@1', 'de', '/x', page(1));
    expect(cache.get('a@1', 'de', '/')).toBeDefined();
  });
});
