import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { parse, stringify } from 'yaml';
import { Applications } from '@openrathaus/applications';
import { DefinitionPublisher } from '@openrathaus/catalog';
import { TenantTransactions } from '@openrathaus/database';
import { TenantFolder, copyDemoTenants, get } from '@openrathaus/testing';
import { TenantRegistry, TenantSync } from '@openrathaus/tenancy';
import { TestPortal, eventually, startTestPortal, cli, cliEnv } from '../support';

/** A small shared definition of Gelsenkirchen's, in the version asked for. */
function definition(version: string, extra: Record<string, unknown> = {}) {
  return {
    key: 'sondernutzung',
    version,
    visibility: 'shared',
    leika: '99058009000000',
    title: { de: 'Sondernutzungserlaubnis', en: 'Special use permit' },
    summary: { de: 'Erlaubnis für die Nutzung öffentlicher Straßen', en: 'Permit to use public roads' },
    description: { de: 'Gebühr je Tag: {{money params.perDay}}.' },
    lebenslagen: ['wohnen-umzug'],
    keywords: ['Baustelle', 'Container'],
    trustLevel: 'basic',
    retention: 'P2Y',
    parameters: {
      perDay: { type: 'money', label: { de: 'Gebühr je Tag' }, default: 5 },
      office: { type: 'office', label: { de: 'Zuständiges Amt' } },
    },
    form: {
      pages: [
        {
          id: 'antrag',
          title: { de: 'Antrag' },
          items: [
            { id: 'tage', type: 'number', label: { de: 'Tage' }, required: true, default: 3, constraints: { min: 1 } },
            {
              id: 'art',
              type: 'radio',
              label: { de: 'Art' },
              options: [
                { value: 'container', label: { de: 'Container' } },
                { value: 'geruest', label: { de: 'Gerüst' } },
              ],
            },
            {
              id: 'statik',
              type: 'file',
              label: { de: 'Statiknachweis' },
              visibleIf: { '==': [{ var: 'answers.art' }, 'geruest'] },
            },
          ],
        },
      ],
    },
    steps: [
      { id: 'formular', kind: 'form' },
      { id: 'zahlung', kind: 'payment' },
      { id: 'pruefung', kind: 'review', office: 'office' },
    ],
    fees: [
      {
        id: 'nutzung',
        label: { de: 'Nutzungsgebühr' },
        amount: { '*': [{ var: 'params.perDay' }, { var: 'answers.tage' }] },
      },
    ],
    ...extra,
  };
}

class Folder {
  constructor(readonly tenants: TenantFolder) {}

  writeDefinition(owner: string, doc: { key: string; version: string }, text?: string): string {
    const dir = join(this.tenants.dir, owner, 'processes', doc.key);
    mkdirSync(dir, { recursive: true });
    const file = join(dir, `${doc.version}.yaml`);
    writeFileSync(file, text ?? stringify(doc));
    return file;
  }

  removeDefinition(owner: string, key: string, version: string): void {
    rmSync(join(this.tenants.dir, owner, 'processes', key, `${version}.yaml`));
  }

  /** Changes a tenant's file through its parsed form, so that other fields stay as they are. */
  editTenant(slug: string, change: (config: Record<string, unknown>) => void): void {
    const path = join(this.tenants.dir, slug, 'tenant.yaml');
    const config = parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    change(config);
    writeFileSync(path, stringify(config));
  }

  adopt(slug: string, adoption: Record<string, unknown>, office?: Record<string, unknown>): void {
    this.editTenant(slug, (config) => {
      const services = ((config.services as Record<string, unknown>[] | undefined) ?? []).filter(
        (s) => s.definition !== adoption.definition,
      );
      config.services = [...services, adoption];
      if (office) {
        const offices = ((config.offices as Record<string, unknown>[] | undefined) ?? []).filter(
          (o) => o.id !== office.id,
        );
        config.offices = [...offices, office];
      }
    });
  }
}

const ORDNUNGSAMT = {
  id: 'e2e-ordnungsamt',
  name: 'Ordnungsamt',
  address: { street: 'Rathausplatz 3', postalCode: '45657', city: 'Recklinghausen' },
  contact: { phone: '+49 2361 50-0' },
};
const GE_AMT = {
  id: 'e2e-tiefbau',
  name: 'Referat Verkehr',
  address: { street: 'Ebertstraße 11', postalCode: '45879', city: 'Gelsenkirchen' },
};

describe('process definitions: validate', () => {
  let folder: Folder;
  beforeEach(() => {
    folder = new Folder(copyDemoTenants());
    folder.writeDefinition('gelsenkirchen', definition('1.0.0'));
  });
  afterEach(() => folder.tenants.remove());

  it('passes a sound definition and adoption', async () => {
    folder.adopt(
      'recklinghausen',
      { definition: 'gelsenkirchen/sondernutzung', version: '^1', parameters: { office: ORDNUNGSAMT.id } },
      ORDNUNGSAMT,
    );
    const result = await cli(['tenants', 'validate', folder.tenants.dir]);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
  });

  it.each([
    [
      'an operator rules may not use',
      { fees: [{ id: 'x', label: { de: 'X' }, amount: { eval: ['1'] } }] },
      'fees[0].amount.eval: uses the operator "eval"',
    ],
    [
      'a rule reading an unknown answer',
      {
        steps: [
          { id: 'formular', kind: 'form' },
          { id: 'z', kind: 'payment', when: { var: 'answers.gibtsnicht' } },
        ],
      },
      'steps[1].when.var: reads "answers.gibtsnicht"',
    ],
    ['a bad LeiKa key', { leika: '12345' }, 'leika: must be a LeiKa key: 14 digits beginning with 99'],
    [
      'an unknown Lebenslage',
      { lebenslagen: ['mars'] },
      'lebenslagen[0]: names no known Lebenslage or Unternehmenslage "mars"',
    ],
    [
      'a step naming a missing template',
      {
        steps: [
          { id: 'formular', kind: 'form' },
          { id: 'd', kind: 'document', template: 'fehlt' },
        ],
      },
      'steps[1].template: names no template "fehlt"',
    ],
    ['a broken template', { description: { de: 'Gebühr {{#if x}}' } }, 'description.de: is not a valid template'],
    ['a misspelt field', { titel: { de: 'X' } }, 'titel: is not a known field'],
  ])('names file, line, path and reason of %s', async (_, extra, message) => {
    folder.writeDefinition('gelsenkirchen', definition('1.1.0', extra));
    const result = await cli(['tenants', 'validate', folder.tenants.dir]);
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/processes\/sondernutzung\/1\.1\.0\.yaml:\d+: /);
    expect(result.err).toContain(message);
    expect(result.err).toMatch(/ \/ [A-ZÄÖÜa-zäöü"]/); // and in German
  });

  it('refuses a file whose version is not its name', async () => {
    folder.writeDefinition('gelsenkirchen', { key: 'sondernutzung', version: '1.3.0' }, stringify(definition('1.4.0')));
    const result = await cli(['tenants', 'validate', folder.tenants.dir]);
    expect(result.err).toContain('1.3.0.yaml: version: must equal the file name "1.3.0.yaml"');
  });

  it.each([
    [
      { definition: 'gelsenkirchen/gibtsnicht', version: '^1' },
      'services[',
      'names the process definition "gelsenkirchen/gibtsnicht", which does not exist',
    ],
    [
      { definition: 'gelsenkirchen/sondernutzung', version: '^3' },
      'version',
      'matches no published version of "gelsenkirchen/sondernutzung" (published: 1.0.0)',
    ],
    [{ definition: 'gelsenkirchen/sondernutzung', version: 'neueste' }, 'version', 'must be a version range like ^1.2'],
    [
      {
        definition: 'gelsenkirchen/sondernutzung',
        version: '^1',
        parameters: { office: ORDNUNGSAMT.id, farbe: 'rot' },
      },
      'parameters.farbe',
      'is not a parameter of',
    ],
    [
      {
        definition: 'gelsenkirchen/sondernutzung',
        version: '^1',
        parameters: { office: ORDNUNGSAMT.id, perDay: 'fünf' },
      },
      'parameters.perDay',
      'must be an amount in euros',
    ],
    [
      { definition: 'gelsenkirchen/sondernutzung', version: '^1', parameters: { office: 'gibtsnicht' } },
      'parameters.office',
      'names no office "gibtsnicht"',
    ],
    [{ definition: 'gelsenkirchen/sondernutzung', version: '^1' }, 'parameters.office', 'must be set'],
  ])('refuses the adoption %j', async (adoption, field, message) => {
    folder.adopt('recklinghausen', adoption, ORDNUNGSAMT);
    const result = await cli(['tenants', 'validate', folder.tenants.dir]);
    expect(result.code).toBe(1);
    const line = result.err.split('\n').find((l) => l.includes('recklinghausen/tenant.yaml'));
    expect(line).toContain(field);
    expect(line).toContain(message);
  });

  it('refuses the adoption of another tenant’s private definition', async () => {
    folder.writeDefinition('gelsenkirchen', definition('1.0.0', { visibility: 'private' }));
    folder.adopt(
      'recklinghausen',
      { definition: 'gelsenkirchen/sondernutzung', version: '^1', parameters: { office: ORDNUNGSAMT.id } },
      ORDNUNGSAMT,
    );
    folder.adopt(
      'gelsenkirchen',
      { definition: 'gelsenkirchen/sondernutzung', version: '^1', parameters: { office: GE_AMT.id } },
      GE_AMT,
    );
    const result = await cli(['tenants', 'validate', folder.tenants.dir]);
    expect(result.err).toContain(
      'names the private process definition "gelsenkirchen/sondernutzung" of another tenant',
    );
    expect(result.err).not.toContain('gelsenkirchen/tenant.yaml');
  });
});

describe('process definitions: publish, adopt, update', () => {
  let folder: Folder;
  let portal: TestPortal;
  const api = async (slug: string, path: string) => {
    const response = await get(portal.port, path, `${slug}.localhost`);
    // eslint-disable-next-line @typescript-eslint/no-explicit-any -- JSON of many shapes, checked by matchers
    return { status: response.status, body: JSON.parse(response.body) as Record<string, any> };
  };
  const sync = () => portal.app.get(TenantSync).sync(folder.tenants.dir);
  const servedVersion = async (slug: string) =>
    (await api(slug, '/api/v1/services/sondernutzung')).body.definition?.version as string;

  beforeAll(async () => {
    folder = new Folder(copyDemoTenants());
    folder.writeDefinition('gelsenkirchen', definition('1.0.0'));
    folder.adopt(
      'recklinghausen',
      { definition: 'gelsenkirchen/sondernutzung', version: '^1', parameters: { perDay: 7.5, office: ORDNUNGSAMT.id } },
      ORDNUNGSAMT,
    );
    folder.adopt(
      'gelsenkirchen',
      { definition: 'gelsenkirchen/sondernutzung', version: '^1', parameters: { office: GE_AMT.id } },
      GE_AMT,
    );
    portal = await startTestPortal({ tenantsDir: folder.tenants.dir });
  });
  afterAll(async () => {
    await portal?.stop();
    folder.tenants.remove();
  });

  it('serves the adopted version with the adopter’s parameters, fee and office', async () => {
    const re = await api('recklinghausen', '/api/v1/services/sondernutzung');
    expect(re.status).toBe(200);
    expect(re.body).toMatchObject({
      key: 'sondernutzung',
      type: 'online',
      title: 'Sondernutzungserlaubnis',
      definition: { owner: 'gelsenkirchen', key: 'sondernutzung', version: '1.0.0', range: '^1' },
      fee: { totalCents: 2250, dependsOnAnswers: true }, // 3 days (the default) at 7.50 €
      office: { name: 'Ordnungsamt', address: { city: 'Recklinghausen' } },
      parameters: { perDay: 750, office: ORDNUNGSAMT.id },
    });
    expect(re.body.description).toBe('Gebühr je Tag: 7,50\u00a0€.');
    expect(re.body.form.pages[0].items.map((i: { id: string }) => i.id)).toEqual(['tage', 'art', 'statik']);
    // Kept per tenant revision and language: asked again with its ETag, nothing is sent.
    const first = await get(portal.port, '/api/v1/services/sondernutzung', 'recklinghausen.localhost');
    const again = await get(portal.port, '/api/v1/services/sondernutzung', 'recklinghausen.localhost', {
      'if-none-match': String(first.headers.etag),
    });
    expect(again.status).toBe(304);
    const ge = await api('gelsenkirchen', '/api/v1/services/sondernutzung');
    expect(ge.body.fee.totalCents).toBe(1500); // the default of 5 €
    const list = await api('recklinghausen', '/api/v1/services');
    expect(list.body.find((s: { key: string }) => s.key === 'sondernutzung')).toMatchObject({
      type: 'online',
      definition: { owner: 'gelsenkirchen', version: '1.0.0' },
    });
    expect(list.body.filter((s: { type: string }) => s.type === 'link').length).toBeGreaterThan(20);
  });

  it('moves adopters to a new minor version after the next sync; a draft keeps its version', async () => {
    const registry = portal.app.get(TenantRegistry);
    const recklinghausen = registry.get('recklinghausen')!;
    const draft = await portal.app.get(Applications).startDraft(recklinghausen, 'sondernutzung');
    expect(draft.definitionRef).toBe('gelsenkirchen/sondernutzung@1.0.0');

    folder.writeDefinition('gelsenkirchen', next11());
    const report = await sync();
    expect(report.actions).toContain('published gelsenkirchen/sondernutzung@1.1.0');
    await eventually(async () => (await servedVersion('recklinghausen')) === '1.1.0');
    expect(await servedVersion('gelsenkirchen')).toBe('1.1.0');

    const pinned = await portal.app.get(Applications).pinned(registry.get('recklinghausen')!, draft.id);
    expect(pinned.definition.version).toBe('1.0.0');
    expect(pinned.definition.form.pages[0].items.map((i) => i.id)).not.toContain('hinweis');
    const fresh = await portal.app.get(Applications).startDraft(registry.get('recklinghausen')!, 'sondernutzung');
    expect(fresh.definitionRef).toBe('gelsenkirchen/sondernutzung@1.1.0');
  });

  it('keeps a major version waiting until the adopter opts in', async () => {
    folder.writeDefinition('gelsenkirchen', definition('2.0.0', { trustLevel: 'substantial' }));
    const published = await sync();
    // Nothing changes for Recklinghausen: its range ^1 excludes 2.0.0. The sync writes every
    // service list that changes before it returns, and reports each; no job follows for others.
    expect(published.actions).toContain('published gelsenkirchen/sondernutzung@2.0.0');
    expect(published.actions.filter((a) => a.startsWith('recklinghausen:'))).toEqual([]);
    expect(await servedVersion('recklinghausen')).toBe('1.1.0');

    folder.adopt('recklinghausen', {
      definition: 'gelsenkirchen/sondernutzung',
      version: '^2',
      parameters: { office: ORDNUNGSAMT.id },
    });
    await sync();
    await eventually(async () => (await servedVersion('recklinghausen')) === '2.0.0');
    expect(await servedVersion('gelsenkirchen')).toBe('1.1.0');
  });

  it('shows which tenants use which version, and what changed between versions', async () => {
    const publisher = portal.app.get(DefinitionPublisher);
    const geId = portal.app.get(TenantRegistry).get('gelsenkirchen')!.id;
    const usage = await publisher.usage(geId, 'gelsenkirchen/sondernutzung');
    expect(usage.map((u) => [u.tenant, u.version, u.range])).toEqual([
      ['recklinghausen', '2.0.0', '^2'],
      ['gelsenkirchen', '1.1.0', '^1'],
    ]);
    const minor = await publisher.diff(geId, 'gelsenkirchen/sondernutzung@1.0.0', 'gelsenkirchen/sondernutzung@1.1.0');
    expect(minor).toEqual([
      { area: 'pages', id: 'antrag', change: 'changed', properties: ['items'] },
      { area: 'fields', id: 'hinweis', change: 'added' },
    ]);
    const major = await publisher.diff(geId, 'gelsenkirchen/sondernutzung@1.1.0', 'gelsenkirchen/sondernutzung@2.0.0');
    expect(major).toEqual(
      expect.arrayContaining([
        { area: 'metadata', id: 'trustLevel', change: 'changed', properties: [] },
        { area: 'fields', id: 'hinweis', change: 'removed' },
      ]),
    );
    // The same through the command line, as the operator runs it.
    const env = cliEnv(portal);
    const out = await cli(['processes', 'usage', 'gelsenkirchen/sondernutzung'], env);
    expect(out.out).toContain('recklinghausen\t2.0.0\t^2');
    const changes = await cli(
      ['processes', 'diff', 'gelsenkirchen/sondernutzung@1.0.0', 'gelsenkirchen/sondernutzung@1.1.0'],
      env,
    );
    expect(changes.out).toContain('+ fields.hinweis');
  });

  it('refuses to change a published version and keeps serving the old one', async () => {
    const before = await servedVersion('gelsenkirchen');
    folder.writeDefinition('gelsenkirchen', definition('1.1.0', { title: { de: 'Heimlich geändert' } }));
    const report = await sync();
    expect(report.problems.join('\n')).toContain('version 1.1.0 is already published with other content');
    expect(await servedVersion('gelsenkirchen')).toBe(before);
    expect((await api('gelsenkirchen', '/api/v1/services/sondernutzung')).body.title).toBe('Sondernutzungserlaubnis');
    folder.writeDefinition('gelsenkirchen', next11());
  });

  it('does not publish a broken version: the previous one keeps serving', async () => {
    folder.writeDefinition(
      'gelsenkirchen',
      definition('1.2.0', { fees: [{ id: 'x', label: { de: 'X' }, amount: { throw: 'x' } }] }),
    );
    const report = await sync();
    expect(report.problems.join('\n')).toContain('1.2.0.yaml');
    expect(report.actions).not.toContain('published gelsenkirchen/sondernutzung@1.2.0');
    expect(await servedVersion('gelsenkirchen')).toBe('1.1.0');
  });

  it('keeps a private definition from every other tenant, through the API and through SQL', async () => {
    const secret = {
      ...definition('1.0.0'),
      key: 'intern',
      visibility: 'private',
      title: { de: 'Internes Verfahren' },
    };
    folder.writeDefinition('gelsenkirchen', secret);
    folder.adopt('gelsenkirchen', {
      definition: 'gelsenkirchen/intern',
      version: '^1',
      parameters: { office: GE_AMT.id },
    });
    await sync();
    await eventually(async () => (await api('gelsenkirchen', '/api/v1/services/intern')).status === 200);
    expect((await api('recklinghausen', '/api/v1/services/intern')).status).toBe(404);

    const registry = portal.app.get(TenantRegistry);
    const transactions = portal.app.get(TenantTransactions);
    const seen = (slug: string) =>
      transactions.run(registry.get(slug)!.id, (scope) =>
        scope.query(`select key, version from public.process_definitions where key = 'intern'`),
      );
    expect(await seen('gelsenkirchen')).toHaveLength(1);
    expect(await seen('recklinghausen')).toHaveLength(0);

    // The application role cannot change a published version, not even its owner's.
    await expect(
      transactions.run(registry.get('gelsenkirchen')!.id, (scope) =>
        scope.query(`update public.process_definitions set visibility = 'shared' where key = 'intern'`),
      ),
    ).rejects.toThrow(/permission denied/);

    const publisher = portal.app.get(DefinitionPublisher);
    await expect(publisher.usage(registry.get('recklinghausen')!.id, 'gelsenkirchen/intern')).rejects.toMatchObject({
      code: 'catalog.unknown_definition',
    });

    // Directly as the application role, without the code's first wall.
    const client = new Client({ connectionString: portal.db.appUrl });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(`select set_config('app.tenant_id', $1, true)`, [registry.get('recklinghausen')!.id]);
      const rows = await client.query(`select * from public.process_definitions where key = 'intern'`);
      expect(rows.rowCount).toBe(0);
      const services = await client.query(`select * from public.tenant_services where key = 'intern'`);
      expect(services.rowCount).toBe(0);
      await client.query('rollback');
    } finally {
      await client.end();
    }
  });

  it('refuses a minor version its adopters could not follow; they keep what they have', async () => {
    folder.writeDefinition(
      'gelsenkirchen',
      definition('1.3.0', {
        parameters: {
          ...definition('1.0.0').parameters,
          hinweis: { type: 'text', label: { de: 'Hinweis' }, required: true },
        },
      }),
    );
    const report = await sync();
    const problems = report.problems.join('\n');
    expect(problems).toContain('1.3.0.yaml: parameters: is not compatible with 1.1.0');
    expect(problems).toContain('new parameter hinweis must be set');
    expect(report.stopped).toEqual([]);
    expect(await servedVersion('gelsenkirchen')).toBe('1.1.0');
    folder.removeDefinition('gelsenkirchen', 'sondernutzung', '1.3.0');
  });

  it('moves adopters to a version published through the API, one job per adopter', async () => {
    const registry = portal.app.get(TenantRegistry);
    const ge = registry.get('gelsenkirchen')!;
    const result = await portal.app
      .get(DefinitionPublisher)
      .publish(
        { id: ge.id, slug: ge.slug },
        stringify(definition('1.1.1', { keywords: ['Baustelle', 'Gerüst'] })),
        { file: 'api' },
        'test',
      );
    expect(result).toMatchObject({
      published: true,
      adopters: expect.arrayContaining(['gelsenkirchen', 'recklinghausen']),
    });
    await eventually(async () => (await servedVersion('gelsenkirchen')) === '1.1.1');
    expect(await servedVersion('recklinghausen')).toBe('2.0.0'); // its range ^2 takes no 1.x
  });

  it('lets a city that authors nothing in files adopt its own private definition published through the API', async () => {
    const registry = portal.app.get(TenantRegistry);
    const bottrop = registry.get('bottrop')!;
    const own = {
      ...definition('1.0.0'),
      key: 'bottrop-intern',
      visibility: 'private',
      title: { de: 'Bottroper Verfahren' },
    };
    await portal.app
      .get(DefinitionPublisher)
      .publish({ id: bottrop.id, slug: 'bottrop' }, stringify(own), { file: 'api' }, 'test');
    folder.adopt(
      'bottrop',
      { definition: 'bottrop/bottrop-intern', version: '^1', parameters: { office: 'e2e-bot' } },
      { ...GE_AMT, id: 'e2e-bot', address: { street: 'Ernst-Wilczok-Platz 1', postalCode: '46236', city: 'Bottrop' } },
    );
    const report = await sync();
    expect(report.stopped).toEqual([]);
    await eventually(async () => (await api('bottrop', '/api/v1/services/bottrop-intern')).status === 200);
    expect((await api('gladbeck', '/api/v1/services/bottrop-intern')).status).toBe(404);
  });

  it('refuses a definition that takes the key of a link service', async () => {
    folder.writeDefinition('gelsenkirchen', { ...definition('1.0.0'), key: 'bafoeg' });
    const report = await sync();
    expect(report.problems.join('\n')).toContain('bafoeg/1.0.0.yaml:1: key: is the key of a link service');
    expect(report.stopped).toEqual([]);
    folder.removeDefinition('gelsenkirchen', 'bafoeg', '1.0.0');
  });

  it('searches in German: stems, prefixes, umlauts, parts of compounds', async () => {
    const keys = async (q: string) =>
      ((await api('recklinghausen', `/api/v1/services?q=${encodeURIComponent(q)}`)).body as { key: string }[]).map(
        (s) => s.key,
      );
    expect(await keys('nutzungserlaubnis')).toContain('sondernutzung');
    expect(await keys('Sondernutzung')).toContain('sondernutzung');
    expect((await keys('Baustellen'))[0]).toBe('sondernutzung');
    expect(await keys('Führungszeugnis')).toContain('fuehrungszeugnis');
    expect(await keys('Fuehrungszeugnis')).toContain('fuehrungszeugnis');
    expect(await keys('fuhrungszeugnis')).toContain('fuehrungszeugnis');
    expect(await keys('xyzzy')).toEqual([]);
    const bad = await api('recklinghausen', '/api/v1/services?lebenslage=mars');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0].field).toBe('lebenslage');
  });
});

function next11() {
  const next = definition('1.1.0');
  next.form.pages[0].items.push({ id: 'hinweis', type: 'longText', label: { de: 'Hinweis' } } as never);
  return next;
}
