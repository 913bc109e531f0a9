import fc from 'fast-check';
import { FIELD_TYPES, FieldDefinition, FormDefinition, FormItem, isGroup } from '@openrathaus/forms';
import { TEST_SETTINGS, get, postForm, send } from '@openrathaus/testing';
import { TestPortal, startTestPortal } from '../support';
import { Citizen, registerCitizen } from '../support-citizen';
import { TestSmtp, startSmtp } from '../support-mail';

/** Tenants whose online services, together, use every one of the 15 field types. */
const TENANTS = ['duisburg', 'dueren', 'dortmund', 'recklinghausen'];
const RUNS = TEST_SETTINGS.fuzzRuns;

interface Target {
  host: string;
  serviceKey: string;
  applicationId: string;
  form: FormDefinition;
  fields: { path: string; field: FieldDefinition; page: string }[];
}

function fieldsOf(items: FormItem[], page: string, out: Target['fields'], prefix = ''): void {
  for (const item of items) {
    if (isGroup(item)) {
      if (item.repeat) out.push({ path: prefix + item.id, field: item as unknown as FieldDefinition, page });
      else fieldsOf(item.items, page, out, prefix);
    } else if (item.type !== 'info') out.push({ path: prefix + item.id, field: item, page });
  }
}

const anyJson = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.string({ maxLength: 12_000 }),
  fc.constantFrom('', ' ', '\u0000', 'a\u0000b', '<script>alert(1)</script>', '{{constructor}}', '1e309', '-0', '٣'),
  fc.array(fc.string(), { maxLength: 30 }),
  fc.dictionary(fc.string({ maxLength: 20 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 10 }),
);

describe('every field type fuzzed through the JSON API and the HTML form', () => {
  let smtp: TestSmtp;
  let portal: TestPortal;
  const targets: Target[] = [];
  const citizens: Record<string, Citizen> = {};

  beforeAll(async () => {
    smtp = await startSmtp();
    portal = await startTestPortal({ smtpUrl: smtp.url });
    for (const slug of TENANTS) {
      const host = `${slug}.localhost`;
      citizens[host] = await registerCitizen(portal, smtp, host, `fuzz.${slug}@example.org`);
      const list = JSON.parse((await get(portal.port, '/api/v1/services', host)).body) as {
        items?: { key: string; type: string; definition: { owner: string } | null }[];
      };
      const services = (Array.isArray(list) ? list : (list.items ?? [])) as { key: string; type: string }[];
      for (const service of services.filter((s) => s.type === 'online')) {
        const started = await send(
          portal.port,
          'POST',
          '/api/v1/applications',
          host,
          { serviceKey: service.key },
          {
            cookie: citizens[host].cookie,
          },
        );
        if (started.status !== 201) continue; // a service above the basic identity level
        const detail = JSON.parse((await get(portal.port, `/api/v1/services/${service.key}`, host)).body) as {
          form: FormDefinition;
        };
        const fields: Target['fields'] = [];
        for (const page of detail.form.pages) fieldsOf(page.items, page.id, fields);
        targets.push({
          host,
          serviceKey: service.key,
          applicationId: (JSON.parse(started.body) as { id: string }).id,
          form: detail.form,
          fields,
        });
      }
    }
  }, 120_000);

  afterAll(async () => {
    await portal?.stop();
    await smtp?.close();
  });

  it('covers all 15 field types', () => {
    const types = new Set(targets.flatMap((t) => t.fields.map((f) => f.field.type)));
    for (const type of FIELD_TYPES.filter((t) => t !== 'info')) {
      expect(types).toContain(type);
    }
    // `info` takes no answer; it is in the forms and is rendered by the HTML pages below.
    expect(targets.some((t) => JSON.stringify(t.form).includes('"type":"info"'))).toBe(true);
  });

  it('answers every JSON value with 200 or a 4xx that names an existing field, never a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.nat(), fc.nat(), anyJson, async (t, f, value) => {
        const target = targets[t % targets.length];
        const { path } = target.fields[f % target.fields.length];
        const response = await send(
          portal.port,
          'PUT',
          `/api/v1/applications/${target.applicationId}/answers`,
          target.host,
          { answers: { [path]: value } },
          { cookie: citizens[target.host].cookie },
        );
        expect(response.status).toBeLessThan(500);
        const body = JSON.parse(response.body) as { errors?: { field: string; message: string }[] };
        const known = new Set(target.fields.map((x) => x.path));
        for (const error of body.errors ?? []) {
          expect(known.has(error.field.split('.')[0]) || known.has(error.field)).toBe(true);
          expect(error.message).toBeTruthy();
        }
      }),
      { numRuns: RUNS * 4 },
    );
  });

  it('answers every HTML post with a page or a redirect, never a 5xx, errors at their fields', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.nat(),
        fc.nat(),
        fc.dictionary(fc.string({ maxLength: 3 }), fc.array(fc.string({ maxLength: 300 }), { maxLength: 3 })),
        fc.array(fc.string({ maxLength: 2_000 }), { minLength: 1, maxLength: 3 }),
        async (t, f, extra, values) => {
          const target = targets[t % targets.length];
          const { path, page } = target.fields[f % target.fields.length];
          const citizen = citizens[target.host];
          const pagePath = `/antraege/${target.applicationId}/schritt/${page}`;
          const shown = await get(portal.port, pagePath, target.host, { cookie: citizen.cookie });
          // A page that does not apply to the answers so far (its rule is false) is not found.
          expect([200, 404]).toContain(shown.status);
          if (shown.status === 404) return;
          const csrf = /name="_csrf" value="([^"]+)"/.exec(shown.body)?.[1] ?? '';
          const response = await postForm(
            portal.port,
            pagePath,
            target.host,
            { ...extra, [path]: values, [`${path}.street`]: values[0], _csrf: csrf, _action: 'next' },
            { cookie: citizen.cookie },
          );
          expect(response.status).toBeLessThan(500);
          expect([200, 303, 400, 403, 422]).toContain(response.status);
          if (response.status === 422) {
            // The summary links each error to its field on the page.
            const links = [...response.body.matchAll(/href="#(field-[^"]+)"/g)].map((m) => m[1]);
            expect(links.length).toBeGreaterThan(0);
            for (const id of links) expect(response.body).toContain(`id="${id}"`);
          }
        },
      ),
      { numRuns: RUNS },
    );
  });
});
