import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '@openrathaus/core';
import { CatalogData, LinkService, catalogData, linkServicesFor, loadCatalogData } from './catalog-data';

const DATA = join(projectRoot(), 'libs', 'catalog', 'data');

describe('the shipped catalogue data', () => {
  const data = catalogData();

  it('loads, and is read once per process', () => {
    expect(data.themenfelder.length).toBeGreaterThanOrEqual(14);
    expect(data.lagen.length).toBeGreaterThan(40);
    expect(data.linkServices.length).toBeGreaterThan(0);
    expect(catalogData()).toBe(data);
  });

  it('has unique ids of Themenfelder, Lagen and link services', () => {
    const unique = (ids: string[]) => ids.filter((id, i) => ids.indexOf(id) !== i);
    expect(unique(data.themenfelder.map((t) => t.id))).toEqual([]);
    expect(unique(data.lagen.map((l) => l.id))).toEqual([]);
    expect(unique(data.linkServices.map((s) => s.key))).toEqual([]);
    expect(data.lagenIds.size).toBe(data.lagen.length);
  });

  it('puts every Lage in known Themenfelder, and every Themenfeld has a Lage', () => {
    const themen = new Set(data.themenfelder.map((t) => t.id));
    for (const l of data.lagen) for (const t of l.themenfelder) expect([l.id, themen.has(t)]).toEqual([l.id, true]);
    for (const t of data.themenfelder) {
      expect([t.id, data.lagen.some((l) => l.themenfelder.includes(t.id))]).toEqual([t.id, true]);
    }
  });

  it('has Lebenslagen and Unternehmenslagen', () => {
    expect(data.lagen.some((l) => l.kind === 'lebenslage')).toBe(true);
    expect(data.lagen.some((l) => l.kind === 'unternehmenslage')).toBe(true);
  });

  it('names only existing Lagen in every link service', () => {
    for (const s of data.linkServices) {
      expect([s.key, s.lebenslagen.filter((l) => !data.lagenIds.has(l))]).toEqual([s.key, []]);
    }
  });

  it('gives a Land to every Land offering and none to the Bund', () => {
    for (const s of data.linkServices) {
      expect([s.key, s.provider, typeof s.land]).toEqual([
        s.key,
        s.provider,
        s.provider === 'land' ? 'string' : 'undefined',
      ]);
    }
  });

  it('names Lagen by the ids the reference definitions use', () => {
    expect(data.lagenIds.has('kfz-besitz')).toBe(true);
    expect(data.lagenIds.has('wohnen-umzug')).toBe(true);
  });
});

describe('linkServicesFor', () => {
  const data = catalogData();
  const keys = (list: LinkService[]) => list.map((s) => s.key).sort();
  const bund = keys(data.linkServices.filter((s) => s.provider === 'bund'));
  const nrw = keys(data.linkServices.filter((s) => s.provider === 'land' && s.land === '05'));

  it('shows a city in NRW the offerings of the Bund and of NRW', () => {
    expect(nrw.length).toBeGreaterThan(0);
    expect(keys(linkServicesFor('05513000'))).toEqual([...bund, ...nrw].sort());
  });

  it('shows a city in another Land only the offerings of the Bund', () => {
    expect(keys(linkServicesFor('09162000'))).toEqual(bund);
    // Bremen's prefix 04 is no prefix of NRW's 05, and 15 (Sachsen-Anhalt) does not begin with 05 either.
    expect(keys(linkServicesFor('04011000'))).toEqual(bund);
    expect(keys(linkServicesFor('15003000'))).toEqual(bund);
  });

  it('shows a region without AGS only the offerings of the Bund', () => {
    expect(keys(linkServicesFor(null))).toEqual(bund);
    expect(keys(linkServicesFor(undefined))).toEqual(bund);
    expect(keys(linkServicesFor(''))).toEqual(bund);
  });

  it('keeps the order of the data', () => {
    const order = data.linkServices.map((s) => s.key);
    const shown = linkServicesFor('05513000').map((s) => s.key);
    expect(shown).toEqual(order.filter((k) => shown.includes(k)));
  });

  it('works on other data given', () => {
    const other: CatalogData = {
      themenfelder: [],
      lagen: [],
      lagenIds: new Set(),
      linkServices: [
        {
          key: 'a',
          title: { de: 'A' },
          summary: { de: 'A' },
          lebenslagen: [],
          provider: 'land',
          land: '09',
          url: 'https://a',
        },
        { key: 'b', title: { de: 'B' }, summary: { de: 'B' }, lebenslagen: [], provider: 'bund', url: 'https://b' },
        { key: 'c', title: { de: 'C' }, summary: { de: 'C' }, lebenslagen: [], provider: 'land', url: 'https://c' },
      ],
    };
    expect(keys(linkServicesFor('09162000', other))).toEqual(['a', 'b']);
    expect(keys(linkServicesFor('05513000', other))).toEqual(['b']);
  });
});

describe('loadCatalogData', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'or-catalog-data-spec-'));
    copyFileSync(join(DATA, 'lagen.yaml'), join(dir, 'lagen.yaml'));
    copyFileSync(join(DATA, 'link-services.yaml'), join(dir, 'link-services.yaml'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const edit = (name: string, change: (text: string) => string) => {
    const file = join(dir, name);
    writeFileSync(file, change(readFileSync(file, 'utf8')));
  };

  it('reads a copy of the shipped files the same as the shipped data', () => {
    const copy = loadCatalogData(dir);
    const shipped = catalogData();
    expect(copy.lagen).toEqual(shipped.lagen);
    expect(copy.linkServices).toEqual(shipped.linkServices);
  });

  it('refuses a link service naming an unknown Lage', () => {
    edit('link-services.yaml', (t) =>
      t.replace('lebenslagen: ["studium", "schule"]', 'lebenslagen: ["studium", "mond"]'),
    );
    expect(() => loadCatalogData(dir)).toThrow('catalog data refers to unknown ids: link bafoeg: lage mond');
  });

  it('refuses a Lage in an unknown Themenfeld', () => {
    edit('lagen.yaml', (t) => t.replace('- id: "bildung"', '- id: "lernen"'));
    expect(() => loadCatalogData(dir)).toThrow(/catalog data refers to unknown ids: lage \S+: themenfeld bildung/);
  });

  it('refuses a file of the wrong shape, naming the file and the path', () => {
    edit('link-services.yaml', (t) => t.replace('provider: "bund"', 'provider: "kreis"'));
    expect(() => loadCatalogData(dir)).toThrow(
      `${join(dir, 'link-services.yaml')}: [0].provider: must be one of: bund, land`,
    );
    edit(
      'link-services.yaml',
      () =>
        '- key: "x"\n  title: { de: "X" }\n  summary: { de: "X" }\n  lebenslagen: ["studium"]\n  provider: "bund"\n  url: "http://x"\n',
    );
    expect(() => loadCatalogData(dir)).toThrow('[0].url: must be a text');
  });

  it('refuses a missing file', () => {
    rmSync(join(dir, 'lagen.yaml'));
    expect(() => loadCatalogData(dir)).toThrow(/ENOENT/);
  });
});
