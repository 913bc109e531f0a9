import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contrastRatio } from './contrast';
import { loadTenantDir } from './tenant-file.loader';

const region = `slug: nrw\nkind: region\nname: Region\nstatus: live\nlocales: [de]\nbranding: { primaryColor: "#1d4f91" }\n`;
const district = `slug: kreis\nkind: district\nname: Kreis\nags: "05562000"\nstatus: live\nlocales: [de]\nbranding: { primaryColor: "#1d4f91" }\n`;
const city = (extra = '') =>
  `slug: stadt\nkind: municipality\nname: Stadt\nags: "05562004"\nstatus: pilot\nregion: nrw\ndistrict: kreis\n` +
  `locales: [de, en]\nbranding: { primaryColor: "#1d4f91" }\n${extra}`;

describe('loadTenantDir', () => {
  let root: string;
  const write = (slug: string, yaml: string) => {
    mkdirSync(join(root, slug), { recursive: true });
    writeFileSync(join(root, slug, 'tenant.yaml'), yaml);
  };
  const faultsOf = (slug: string) =>
    loadTenantDir(root)
      .find((t) => t.slug === slug)
      ?.faults.map((f) => `${f.field}:${f.key}`);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'or-tenant-spec-'));
    write('nrw', region);
    write('kreis', district);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('accepts a region without AGS, a district and a member city', () => {
    write('stadt', city());
    const loaded = loadTenantDir(root);
    expect(loaded.map((t) => [t.slug, t.faults.length, Boolean(t.config)])).toEqual([
      ['kreis', 0, true],
      ['nrw', 0, true],
      ['stadt', 0, true],
    ]);
  });

  it('requires an AGS of every municipality and district, and a district AGS ending in 000', () => {
    write('stadt', city().replace('ags: "05562004"\n', ''));
    expect(faultsOf('stadt')).toContain('ags:ags');
    write('kreis', district.replace('05562000', '05562001'));
    expect(faultsOf('kreis')).toEqual(['ags:ags_district_own']);
  });

  it('names a slug that differs from its folder, a missing file and a missing picture', () => {
    write('stadt', city().replace('slug: stadt', 'slug: town'));
    expect(faultsOf('stadt')).toEqual(['slug:slug_folder']);
    mkdirSync(join(root, 'empty'));
    expect(faultsOf('empty')).toEqual(['(file):missing_file']);
    // A tenant.yaml that cannot be read (here a folder in its place) stops that tenant alone.
    mkdirSync(join(root, 'ordner', 'tenant.yaml'), { recursive: true });
    expect(faultsOf('ordner')).toEqual(['(file):unreadable_file']);
    write(
      'stadt',
      city().replace(
        'branding: { primaryColor: "#1d4f91" }',
        'branding: { primaryColor: "#1d4f91", logo: assets/x.svg }',
      ),
    );
    expect(faultsOf('stadt')).toEqual(['branding.logo:asset_missing']);
  });

  it('checks delivery targets: known kinds, unique ids, what each kind needs, services naming a target, CA files', () => {
    write(
      'stadt',
      city(
        [
          'delivery:',
          '  targets:',
          '    - { id: software, kind: webhook, url: "https://fachverfahren.stadt.de/hooks" }',
          '    - { id: software, kind: email, email: gewerbe@stadt.de }',
          '    - { id: fitko, kind: fit-connect, destinationId: nope, submissionUrl: "https://s.example", tokenUrl: "https://t.example", clientId: c, trustedCa: assets/ca.pem }',
          '    - { id: ftp, kind: ftp }',
          '  services:',
          '    gewerbeanzeige: software',
          '    hundesteuer: nirgends',
          '',
        ].join('\n'),
      ),
    );
    expect(faultsOf('stadt')).toEqual([
      'delivery.targets.2.destinationId:uuid',
      'delivery.targets.3.kind:one_of',
      'delivery.targets.1.id:target_taken',
      'delivery.targets.2.trustedCa:asset_missing',
      'delivery.services.hundesteuer:target_unknown',
    ]);
  });

  it('checks target addresses in production: https only, no internal host unless allowed', () => {
    write(
      'stadt',
      city(
        [
          'delivery:',
          '  targets:',
          '    - { id: a, kind: webhook, url: "http://fachverfahren.stadt.de/hooks" }',
          '    - { id: b, kind: webhook, url: "https://127.0.0.1:8443/hooks" }',
          '    - { id: c, kind: webhook, url: "https://localhost/hooks" }',
          '    - { id: d, kind: webhook, url: "https://fachverfahren.stadt.de/hooks" }',
          '',
        ].join('\n'),
      ),
    );
    const faults = (options: Parameters<typeof loadTenantDir>[1]) =>
      loadTenantDir(root, options)
        .find((t) => t.slug === 'stadt')
        ?.faults.map((f) => `${f.field}:${f.key}`);
    expect(faults({})).toEqual([]);
    expect(faults({ strict: true })).toEqual([
      'delivery.targets.0.url:https_only',
      'delivery.targets.1.url:internal_host',
      'delivery.targets.2.url:internal_host',
    ]);
    expect(faults({ strict: true, allowHosts: ['127.0.0.1', 'localhost'] })).toEqual([
      'delivery.targets.0.url:https_only',
    ]);
  });

  it('refuses a region inside a region and unknown locales, nested unknown fields', () => {
    write('nrw', region + 'region: nrw\n');
    expect(faultsOf('nrw')).toEqual(['region:not_for_kind']);
    write('stadt', city().replace('locales: [de, en]', 'locales: [de, fr]'));
    expect(faultsOf('stadt')).toEqual(['locales:one_of']);
    write('stadt', city('contact: { fax: "0209 1" }\n'));
    expect(faultsOf('stadt')).toEqual(['contact.fax:unknown_field']);
  });
});

describe('contrastRatio', () => {
  it('computes the WCAG ratio', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 1);
    expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
  });
});
