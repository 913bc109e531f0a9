import type { ParameterDefinition, ProcessDefinition, Visibility } from '../definition/process-definition';
import { AdoptionEntry, AvailableVersion, DefinitionIndex, officeAppointments, resolveAdoptions } from './adoption';

const PARAMETERS: Record<string, ParameterDefinition> = {
  fee: { type: 'money', label: { de: 'Gebühr' }, default: 30.7 },
  zones: { type: 'list', label: { de: 'Zonen' }, required: true },
  office: { type: 'office', label: { de: 'Amt' } },
  validity: { type: 'duration', label: { de: 'Dauer' }, default: 'P1Y' },
  note: { type: 'text', label: { de: 'Hinweis' } },
};

const definition = (key: string, version: string, parameters = PARAMETERS): ProcessDefinition => ({
  key,
  version,
  visibility: 'shared',
  leika: '99108001001000',
  title: { de: key },
  summary: { de: key },
  lebenslagen: ['kfz-besitz'],
  trustLevel: 'basic',
  retention: 'P2Y',
  parameters,
  form: { pages: [] },
  steps: [{ id: 'antrag', kind: 'form' }],
  fees: [],
});

const available = (
  owner: string,
  key: string,
  version: string,
  visibility: Visibility = 'shared',
  parameters = PARAMETERS,
): AvailableVersion => ({ owner, key, version, visibility, definition: definition(key, version, parameters) });

const index = (...versions: AvailableVersion[]): DefinitionIndex => {
  const i = new DefinitionIndex();
  for (const v of versions) i.add(v);
  return i;
};

const tenant = { slug: 'herten', file: 'tenants/herten/tenant.yaml', offices: ['buergerbuero', 'strassenverkehr'] };
const sound = { zones: ['A'], office: 'buergerbuero' };
const entry = (version: string, parameters: Record<string, unknown> = sound): AdoptionEntry => ({
  definition: 'gelsenkirchen/bewohnerparkausweis',
  version,
  parameters,
});

const parking = index(
  available('gelsenkirchen', 'bewohnerparkausweis', '1.1.0'),
  available('gelsenkirchen', 'bewohnerparkausweis', '1.2.0'),
  available('gelsenkirchen', 'bewohnerparkausweis', '1.2.3'),
  available('gelsenkirchen', 'bewohnerparkausweis', '1.3.0'),
  available('gelsenkirchen', 'bewohnerparkausweis', '2.0.0'),
);

const chosen = (range: string, idx = parking) => {
  const { resolved, faults } = resolveAdoptions(tenant, [entry(range)], idx);
  expect(faults).toEqual([]);
  return resolved.map((r) => r.chosen.version);
};

describe('DefinitionIndex', () => {
  it('keeps versions per owner/key and the first of a repeated version', () => {
    const first = available('a', 'x', '1.0.0');
    const i = index(
      first,
      available('a', 'x', '1.0.0', 'private'),
      available('a', 'x', '1.1.0'),
      available('b', 'x', '1.0.0'),
    );
    expect(i.versions('a/x').map((v) => v.version)).toEqual(['1.0.0', '1.1.0']);
    expect(i.versions('a/x')[0]).toBe(first);
    expect(i.versions('b/x')).toHaveLength(1);
    expect(i.versions('c/x')).toEqual([]);
  });
});

describe('resolveAdoptions: versions', () => {
  it('chooses the newest version a caret range allows', () => {
    expect(chosen('^1.2')).toEqual(['1.3.0']);
    expect(chosen('^1')).toEqual(['1.3.0']);
    expect(chosen('^2.0.0')).toEqual(['2.0.0']);
  });

  it('chooses the newest patch a tilde range allows', () => {
    expect(chosen('~1.2')).toEqual(['1.2.3']);
    expect(chosen('~1.1.0')).toEqual(['1.1.0']);
  });

  it('takes exact versions, x-ranges and comparisons', () => {
    expect(chosen('1.2.0')).toEqual(['1.2.0']);
    expect(chosen('1.x')).toEqual(['1.3.0']);
    expect(chosen('*')).toEqual(['2.0.0']);
    expect(chosen('>=1.1.0 <1.3.0')).toEqual(['1.2.3']);
  });

  it('chooses by version, not by the order the versions were added', () => {
    const shuffled = index(
      available('gelsenkirchen', 'bewohnerparkausweis', '1.10.0'),
      available('gelsenkirchen', 'bewohnerparkausweis', '1.9.0'),
      available('gelsenkirchen', 'bewohnerparkausweis', '1.2.0'),
    );
    expect(chosen('^1.2', shuffled)).toEqual(['1.10.0']);
  });

  it('hands back the range and the reference as written', () => {
    const { resolved } = resolveAdoptions(tenant, [entry('^1.2')], parking);
    expect(resolved[0]).toMatchObject({ ref: 'gelsenkirchen/bewohnerparkausweis', range: '^1.2' });
    expect(resolved[0].chosen.definition.version).toBe('1.3.0');
  });

  it.each(['latest', 'one', '^^1', '1.2.3.4'])('refuses the range %j', (range) => {
    expect(resolveAdoptions(tenant, [entry(range)], parking)).toEqual({
      resolved: [],
      notes: [],
      faults: [{ file: tenant.file, path: 'services[0].version', key: 'range', params: undefined }],
    });
  });

  it('names the published versions when the range matches none', () => {
    expect(resolveAdoptions(tenant, [entry('^3')], parking)).toEqual({
      resolved: [],
      notes: [],
      faults: [
        {
          file: tenant.file,
          path: 'services[0].version',
          key: 'range_unmatched',
          params: { value: 'gelsenkirchen/bewohnerparkausweis', versions: '1.1.0, 1.2.0, 1.2.3, 1.3.0, 2.0.0' },
        },
      ],
    });
  });
});

describe('resolveAdoptions: visibility', () => {
  it('names a definition that does not exist', () => {
    const { resolved, faults } = resolveAdoptions(
      tenant,
      [{ definition: 'gelsenkirchen/hundesteuer', version: '^1' }],
      parking,
    );
    expect(resolved).toEqual([]);
    expect(faults).toEqual([
      {
        file: tenant.file,
        path: 'services[0].definition',
        key: 'definition_missing',
        params: { value: 'gelsenkirchen/hundesteuer' },
      },
    ]);
  });

  it('lets only the owner adopt a private definition', () => {
    const idx = index(available('gelsenkirchen', 'intern', '1.0.0', 'private'));
    const adopt = { definition: 'gelsenkirchen/intern', version: '^1', parameters: sound };
    expect(resolveAdoptions(tenant, [adopt], idx).faults).toEqual([
      {
        file: tenant.file,
        path: 'services[0].definition',
        key: 'definition_private',
        params: { value: 'gelsenkirchen/intern' },
      },
    ]);
    const owner = { ...tenant, slug: 'gelsenkirchen' };
    const { resolved, faults } = resolveAdoptions(owner, [adopt], idx);
    expect(faults).toEqual([]);
    expect(resolved.map((r) => r.chosen.version)).toEqual(['1.0.0']);
  });

  it('hides the private versions of a definition from others, and lists only the shared ones', () => {
    const idx = index(
      available('gelsenkirchen', 'bewohnerparkausweis', '1.0.0'),
      available('gelsenkirchen', 'bewohnerparkausweis', '1.1.0', 'private'),
    );
    expect(chosen('^1', idx)).toEqual(['1.0.0']);
    expect(resolveAdoptions(tenant, [entry('~1.1')], idx).faults).toEqual([
      expect.objectContaining({ key: 'range_unmatched', params: expect.objectContaining({ versions: '1.0.0' }) }),
    ]);
    const owner = { ...tenant, slug: 'gelsenkirchen' };
    expect(resolveAdoptions(owner, [entry('^1')], idx).resolved[0].chosen.version).toBe('1.1.0');
  });
});

describe('resolveAdoptions: parameters', () => {
  const resolveWith = (parameters: Record<string, unknown> | undefined) =>
    resolveAdoptions(
      tenant,
      [{ definition: 'gelsenkirchen/bewohnerparkausweis', version: '^1.2', parameters }],
      parking,
    );

  it('reads the given parameters and fills in the defaults (money in cents)', () => {
    const { resolved, faults } = resolveWith({ zones: ['A', 'B'], office: 'strassenverkehr', note: 'Bitte' });
    expect(faults).toEqual([]);
    expect(resolved[0].parameters).toEqual({
      zones: ['A', 'B'],
      office: 'strassenverkehr',
      note: { de: 'Bitte' },
      fee: 3070,
      validity: 'P1Y',
    });
  });

  it('lets given values replace defaults', () => {
    const { resolved } = resolveWith({ ...sound, fee: 25, validity: 'P6M' });
    expect(resolved[0].parameters).toMatchObject({ fee: 2500, validity: 'P6M' });
  });

  it('leaves out an optional parameter without default that is not given', () => {
    const { resolved } = resolveWith(sound);
    expect(resolved[0].parameters).not.toHaveProperty('note');
  });

  it('names unknown parameters with what the definition has', () => {
    const { resolved, faults } = resolveWith({ ...sound, colour: 'red' });
    expect(resolved).toEqual([]);
    expect(faults).toEqual([
      {
        file: tenant.file,
        path: 'services[0].parameters.colour',
        key: 'param_unknown',
        params: { value: 'gelsenkirchen/bewohnerparkausweis@1.3.0', allowed: 'fee, zones, office, validity, note' },
      },
    ]);
  });

  it('names required parameters that are missing, and an office without default', () => {
    const { resolved, faults } = resolveWith(undefined);
    expect(resolved).toEqual([]);
    expect(faults).toEqual([
      {
        file: tenant.file,
        path: 'services[0].parameters.zones',
        key: 'param_missing',
        params: { value: 'gelsenkirchen/bewohnerparkausweis@1.3.0' },
      },
      {
        file: tenant.file,
        path: 'services[0].parameters.office',
        key: 'param_missing',
        params: { value: 'gelsenkirchen/bewohnerparkausweis@1.3.0' },
      },
    ]);
  });

  it('names parameters of the wrong type with the fault of their type', () => {
    const { faults } = resolveWith({ zones: 'A', office: 'standesamt', fee: 30.705, validity: '1 Jahr', note: 3 });
    expect(faults.map((f) => [f.path, f.key, f.params])).toEqual([
      ['services[0].parameters.zones', 'list_value', undefined],
      [
        'services[0].parameters.office',
        'office_unknown',
        { value: 'standesamt', allowed: 'buergerbuero, strassenverkehr' },
      ],
      ['services[0].parameters.fee', 'money', undefined],
      ['services[0].parameters.validity', 'duration', undefined],
      ['services[0].parameters.note', 'text_value', undefined],
    ]);
  });

  it('checks the parameters of the version chosen, not of another', () => {
    const idx = index(
      available('gelsenkirchen', 'bewohnerparkausweis', '1.0.0', 'shared', {}),
      available('gelsenkirchen', 'bewohnerparkausweis', '2.0.0', 'shared', {
        extra: { type: 'text', label: { de: 'Extra' } },
      }),
    );
    const adopt = (version: string) =>
      resolveAdoptions(
        tenant,
        [{ definition: 'gelsenkirchen/bewohnerparkausweis', version, parameters: { extra: 'x' } }],
        idx,
      );
    expect(adopt('^2').faults).toEqual([]);
    expect(adopt('^1').faults).toEqual([
      expect.objectContaining({
        path: 'services[0].parameters.extra',
        key: 'param_unknown',
        params: { value: 'gelsenkirchen/bewohnerparkausweis@1.0.0', allowed: '' },
      }),
    ]);
  });

  // BUG: a parameter named like a member of Object.prototype (`constructor`, `toString`) is looked up in the
  // plain `declared` object, found, and handed to readParameterValue as if it were a definition: the switch
  // matches no type, returns undefined and resolveAdoptions throws a TypeError instead of naming the parameter.
  it('names a parameter called constructor as unknown instead of throwing', () => {
    const { faults } = resolveWith({ ...sound, constructor: 'x' });
    expect(faults.map((f) => `${f.path}:${f.key}`)).toEqual(['services[0].parameters.constructor:param_unknown']);
  });

  // BUG: a default is read without the tenant's offices, so an `office` parameter with a default names an office
  // the adopting tenant may not have, and the adoption resolves without a fault (the office is then missing).
  it("checks an office default against the tenant's offices", () => {
    const idx = index(
      available('gelsenkirchen', 'amt', '1.0.0', 'shared', {
        office: { type: 'office', label: { de: 'Amt' }, default: 'standesamt' },
      }),
    );
    const { faults } = resolveAdoptions(tenant, [{ definition: 'gelsenkirchen/amt', version: '^1' }], idx);
    expect(faults.map((f) => `${f.path}:${f.key}`)).toEqual(['services[0].parameters.office:office_unknown']);
  });
});

describe('resolveAdoptions: several services', () => {
  it('resolves each entry on its own and names faults by its index', () => {
    const idx = index(
      available('gelsenkirchen', 'bewohnerparkausweis', '1.2.0'),
      available('gelsenkirchen', 'anwohnerparken', '1.0.0'),
      available('herten', 'hundesteuer', '1.0.0', 'private', {}),
    );
    const { resolved, faults } = resolveAdoptions(
      tenant,
      [
        { definition: 'herten/hundesteuer', version: '^1' },
        { definition: 'gelsenkirchen/bewohnerparkausweis', version: '^1', parameters: { zones: ['A'] } },
        { definition: 'gelsenkirchen/anwohnerparken', version: '^1', parameters: sound },
      ],
      idx,
    );
    expect(resolved.map((r) => r.ref)).toEqual(['herten/hundesteuer', 'gelsenkirchen/anwohnerparken']);
    expect(faults.map((f) => `${f.path}:${f.key}`)).toEqual(['services[1].parameters.office:param_missing']);
  });

  it('refuses the same service key a second time, also from another owner', () => {
    const idx = index(
      available('gelsenkirchen', 'bewohnerparkausweis', '1.2.0'),
      available('herten', 'bewohnerparkausweis', '1.0.0'),
    );
    const { resolved, faults } = resolveAdoptions(
      tenant,
      [
        { definition: 'gelsenkirchen/bewohnerparkausweis', version: '^1', parameters: sound },
        { definition: 'gelsenkirchen/bewohnerparkausweis', version: '~1.2', parameters: sound },
        { definition: 'herten/bewohnerparkausweis', version: '^1', parameters: sound },
      ],
      idx,
    );
    expect(resolved).toHaveLength(1);
    expect(faults).toEqual([
      {
        file: tenant.file,
        path: 'services[1].definition',
        key: 'service_twice',
        params: { value: 'bewohnerparkausweis' },
      },
      {
        file: tenant.file,
        path: 'services[2].definition',
        key: 'service_twice',
        params: { value: 'bewohnerparkausweis' },
      },
    ]);
  });

  it('gives nothing for no entries', () => {
    expect(resolveAdoptions(tenant, [], parking)).toEqual({ resolved: [], faults: [], notes: [] });
  });
});

describe('resolveAdoptions: a newest version the values do not fit', () => {
  it('stays on the newest version they fit, and says why', () => {
    const index = new DefinitionIndex();
    const v = (version: string, parameters: Record<string, unknown>) =>
      ({
        owner: 'gelsenkirchen',
        key: 'dienst',
        version,
        visibility: 'shared',
        definition: { key: 'dienst', version, parameters },
      }) as never;
    index.add(v('1.0.0', { fee: { type: 'money', label: { de: 'G' }, default: 5 } }));
    index.add(
      v('1.1.0', {
        fee: { type: 'money', label: { de: 'G' }, default: 5 },
        hint: { type: 'text', label: { de: 'H' }, required: true },
      }),
    );
    const result = resolveAdoptions(tenant, [{ definition: 'gelsenkirchen/dienst', version: '^1' }], index);
    expect(result.faults).toEqual([]);
    expect(result.resolved.map((r) => r.chosen.version)).toEqual(['1.0.0']);
    expect(result.notes.map((n) => [n.path, n.key])).toEqual([
      ['services[0].version', 'adoption_behind'],
      ['services[0].parameters.hint', 'param_missing'],
    ]);
  });
});

describe('resolveAdoptions: appointment steps', () => {
  const withVisit = (version: string): AvailableVersion => {
    const v = available('gelsenkirchen', 'bewohnerparkausweis', version);
    v.definition.steps.push({ id: 'termin', kind: 'appointment', office: 'office', service: 'ausweis-abholen' });
    return v;
  };
  const idx = index(available('gelsenkirchen', 'bewohnerparkausweis', '1.0.0'), withVisit('1.1.0'));

  it('adopts a version with an appointment step where the office books that service', () => {
    const appointments = officeAppointments([
      { id: 'buergerbuero', appointments: { services: [{ key: 'ausweis-abholen' }] } },
      { id: 'strassenverkehr' },
    ]);
    const result = resolveAdoptions({ ...tenant, appointments }, [entry('^1')], idx);
    expect(result.faults).toEqual([]);
    expect(result.resolved.map((r) => r.chosen.version)).toEqual(['1.1.0']);
  });

  it('stays on the version before where the office books no such appointments, and says why', () => {
    const appointments = officeAppointments([{ id: 'buergerbuero' }, { id: 'strassenverkehr' }]);
    const result = resolveAdoptions({ ...tenant, appointments }, [entry('^1')], idx);
    expect(result.resolved.map((r) => r.chosen.version)).toEqual(['1.0.0']);
    expect(result.notes.map((n) => [n.path, n.key, n.params?.value])).toEqual([
      ['services[0].version', 'adoption_behind', 'gelsenkirchen/bewohnerparkausweis'],
      ['services[0].parameters.office', 'office_no_service', 'buergerbuero'],
    ]);
  });
});
