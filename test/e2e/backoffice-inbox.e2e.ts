import fc from 'fast-check';
import { Client } from 'pg';
import { TestResponse, get, postForm, send } from '@openrathaus/testing';
import { TestPortal, startTestPortal } from '../support';
import { seedApplications } from '../support-casework';
import { StaffLogin, staffSession } from '../support-staff';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const json = (r: TestResponse) => JSON.parse(r.body) as Record<string, any>;

/** The fields of one CSV line (RFC 4180 quoting). */
const csvFields = (line: string): string[] =>
  [...line.matchAll(/("(?:[^"]|"")*"|[^,]*)(,|$)/g)]
    .slice(0, -1)
    .map(([, field]) => (field.startsWith('"') ? field.slice(1, -1).replace(/""/g, '"') : field));

describe('the back office inbox', () => {
  let portal: TestPortal;
  let reAdmin: StaffLogin;
  let geAdmin: StaffLogin;
  const call = (tenant: string, who: StaffLogin | undefined, path: string, headers: Record<string, string> = {}) =>
    send(portal.port, 'GET', path, `${tenant}.localhost`, undefined, {
      ...(who ? { cookie: who.cookie } : {}),
      ...headers,
    });

  /** An SQL aggregate as the schema owner, in the tenant's RLS context. */
  const sql = async <T extends Record<string, unknown>>(slug: string, text: string, values: unknown[] = []) => {
    const client = new Client({ connectionString: portal.db.ownerUrl });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(
        `select set_config('app.tenant_id', (select id::text from public.tenants where slug = $1), true)`,
        [slug],
      );
      // The owner may be a superuser, whom RLS does not hold: the tenant is named in the SQL too.
      const { rows } = await client.query<T>(text, values);
      await client.query('commit');
      return rows;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    portal = await startTestPortal();
    await seedApplications(portal.db.ownerUrl, 'recklinghausen', {
      count: 180,
      offices: ['gewerbeamt', 'gewerbeamt', 'buergerbuero'],
      prefix: 'RE-2026-',
    });
    await seedApplications(portal.db.ownerUrl, 'gelsenkirchen', { count: 20, prefix: 'GE-2026-' });
    reAdmin = await staffSession(portal, 'recklinghausen', 'admin@recklinghausen.de', 'tenant-admin');
    geAdmin = await staffSession(portal, 'gelsenkirchen', 'admin@gelsenkirchen.de', 'tenant-admin');
  });
  afterAll(async () => portal?.stop());

  it('lists the newest submissions first, with counts per status as the database has them', async () => {
    const response = await call('recklinghausen', reAdmin, '/api/v1/backoffice/applications');
    expect(response.status).toBe(200);
    const page = json(response);
    expect(page.items).toHaveLength(25);
    const times = page.items.map((i: { submittedAt: string }) => i.submittedAt);
    expect([...times].sort().reverse()).toEqual(times);
    expect(page.items[0].service).toEqual({ key: 'gewerbeanzeige', title: 'Gewerbe anmelden, ummelden oder abmelden' });
    expect(page.items[0].office.name).toContain('Gewerbeamt');
    const counts = await sql<{ status: string; n: number }>(
      'recklinghausen',
      `select status, count(*)::int as n from public.applications where tenant_id = current_setting('app.tenant_id')::uuid and submitted_at is not null group by status`,
    );
    expect(page.counts).toEqual(Object.fromEntries(counts.map((c) => [c.status, c.n])));
  });

  it('walks every page by cursor, each application once', async () => {
    const seen: string[] = [];
    let cursor = '';
    for (let i = 0; i < 20; i++) {
      const page = json(
        await call(
          'recklinghausen',
          reAdmin,
          `/api/v1/backoffice/applications?limit=40${cursor ? `&cursor=${cursor}` : ''}`,
        ),
      );
      seen.push(...page.items.map((item: { id: string }) => item.id));
      if (!page.nextCursor) break;
      cursor = page.nextCursor;
    }
    expect(seen).toHaveLength(180);
    expect(new Set(seen).size).toBe(180);
  });

  it('filters by status, office, service and date, and finds by number, name and address', async () => {
    const list = async (query: string) =>
      json(await call('recklinghausen', reAdmin, `/api/v1/backoffice/applications?limit=100&${query}`)).items as {
        number: string;
        status: string;
        office: { id: string };
        applicant: { name: string; email: string };
        submittedAt: string;
      }[];
    const inReview = await list('status=in_review');
    expect(inReview.length).toBeGreaterThan(0);
    expect(inReview.every((i) => i.status === 'in_review')).toBe(true);
    const office = await list('office=buergerbuero');
    expect(office.length).toBe(60);
    expect(office.every((i) => i.office.id === 'buergerbuero')).toBe(true);
    expect(await list('service=hundesteuer')).toEqual([]);
    const byNumber = await list('q=re-2026-0000042');
    expect(byNumber.map((i) => i.number)).toEqual(['RE-2026-0000042']);
    const byMail = await list('q=person42@');
    expect(byMail.map((i) => i.applicant.email)).toEqual(['person42@example.org']);
    const byName = await list(`q=${encodeURIComponent('Yılmaz')}`);
    expect(byName.length).toBeGreaterThan(0);
    expect(byName.every((i) => i.applicant.name.includes('Yılmaz'))).toBe(true);
    // Words are found by their start, in any order and case.
    const ayse = byName.filter((i) => i.applicant.name.startsWith('Ayşe')).map((i) => i.number);
    expect(ayse.length).toBeGreaterThan(0);
    expect((await list(`q=${encodeURIComponent('yılm AY')}`)).map((i) => i.number)).toEqual(ayse);
    const today = new Date().toISOString().slice(0, 10);
    const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
    const recent = await list(`from=${monthAgo}&to=${today}`);
    const [{ n }] = await sql<{ n: number }>(
      'recklinghausen',
      `select count(*)::int as n from public.applications
        where tenant_id = current_setting('app.tenant_id')::uuid
          and submitted_at >= $1::date and submitted_at < $2::date + 1`,
      [monthAgo, today],
    );
    expect(recent.length).toBe(n);
  });

  it('names every faulty filter, in German and in English', async () => {
    const response = await call(
      'recklinghausen',
      reAdmin,
      '/api/v1/backoffice/applications?status=erledigt&from=2026-13-01&cursor=xyz&limit=0&assignee=jemand&office=%27%3B--',
    );
    expect(response.status).toBe(400);
    expect(
      json(response)
        .errors.map((e: { field: string }) => e.field)
        .sort(),
    ).toEqual(['assignee', 'cursor', 'from', 'limit', 'office', 'status'].sort());
    const twice = await call('recklinghausen', reAdmin, '/api/v1/backoffice/applications?status=a&status=b', {
      'accept-language': 'en',
    });
    expect(twice.status).toBe(400);
    expect(json(twice).errors[0]).toEqual({ field: 'status', message: expect.stringMatching(/once/) });
  });

  it('keeps tenants apart: Gelsenkirchen sees its own, never Recklinghausen’s', async () => {
    const ge = json(await call('gelsenkirchen', geAdmin, '/api/v1/backoffice/applications?limit=100'));
    expect(ge.items).toHaveLength(20);
    expect(ge.items.every((i: { number: string }) => i.number.startsWith('GE-'))).toBe(true);
    const searched = json(await call('gelsenkirchen', geAdmin, '/api/v1/backoffice/applications?q=RE-2026-0000042'));
    expect(searched.items).toEqual([]);
    const [re] = await sql<{ id: string }>(
      'recklinghausen',
      `select id from public.applications where tenant_id = current_setting('app.tenant_id')::uuid limit 1`,
    );
    expect((await call('gelsenkirchen', geAdmin, `/api/v1/backoffice/applications/${re.id}`)).status).toBe(404);
    // Recklinghausen's session is refused on Gelsenkirchen's host.
    expect((await call('gelsenkirchen', reAdmin, '/api/v1/backoffice/applications')).status).toBe(401);
  });

  it('keeps tenants apart in SQL too, as the application role under RLS', async () => {
    const [re] = await sql<{ id: string }>(
      'recklinghausen',
      `select id from public.applications where tenant_id = current_setting('app.tenant_id')::uuid limit 1`,
    );
    const client = new Client({ connectionString: portal.db.appUrl });
    await client.connect();
    try {
      await client.query('begin');
      await client.query(
        `select set_config('app.tenant_id', (select id::text from public.tenants where slug = 'gelsenkirchen'), true)`,
      );
      const seen = await client.query(`select count(*)::int as n from public.applications where id = $1`, [re.id]);
      expect(seen.rows[0].n).toBe(0);
      const counts = await client.query(`select coalesce(sum(n), 0)::int as n from public.application_counts`);
      expect(counts.rows[0].n).toBe(20);
      const notes = await client.query(`select count(*)::int as n from public.case_notes`);
      expect(notes.rows[0].n).toBe(0);
      await client.query('rollback');
    } finally {
      await client.end();
    }
  });

  it('refuses the inbox without a staff session', async () => {
    expect((await call('recklinghausen', undefined, '/api/v1/backoffice/applications')).status).toBe(401);
    const citizenLike = await send(
      portal.port,
      'GET',
      '/api/v1/backoffice/applications',
      'recklinghausen.localhost',
      undefined,
      {
        cookie: 'or_citizen=abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
      },
    );
    expect(citizenLike.status).toBe(401);
  });

  it('opens an application and records who looked at it', async () => {
    const [row] = await sql<{ id: string }>(
      'recklinghausen',
      `select id from public.applications where tenant_id = current_setting('app.tenant_id')::uuid order by number limit 1`,
    );
    const response = await call('recklinghausen', reAdmin, `/api/v1/backoffice/applications/${row.id}`);
    expect(response.status).toBe(200);
    const detail = json(response);
    expect(detail).toMatchObject({ id: row.id, number: 'RE-2026-0000001', notes: [], attachments: [] });
    expect(Array.isArray(detail.answers)).toBe(true);
    const trail = json(await call('recklinghausen', reAdmin, '/api/v1/backoffice/audit?action=application.viewed'));
    expect(trail.entries[0]).toMatchObject({ action: 'application.viewed', subject: `application:${row.id}` });
    expect(detail.history.some((e: { action: string }) => e.action === 'application.viewed')).toBe(true);
  });

  it('keeps internal notes with the application', async () => {
    const [row] = await sql<{ id: string }>(
      'recklinghausen',
      `select id from public.applications where tenant_id = current_setting('app.tenant_id')::uuid order by number limit 1`,
    );
    const note = await send(
      portal.port,
      'POST',
      `/api/v1/backoffice/applications/${row.id}/notes`,
      'recklinghausen.localhost',
      { body: 'Gewerberegisterauszug angefordert.' },
      { cookie: reAdmin.cookie, origin: 'http://recklinghausen.localhost' },
    );
    expect(note.status).toBe(201);
    const detail = json(await call('recklinghausen', reAdmin, `/api/v1/backoffice/applications/${row.id}`));
    expect(detail.notes.map((n: { body: string }) => n.body)).toEqual(['Gewerberegisterauszug angefordert.']);
    const empty = await send(
      portal.port,
      'POST',
      `/api/v1/backoffice/applications/${row.id}/notes`,
      'recklinghausen.localhost',
      { body: '  ' },
      { cookie: reAdmin.cookie, origin: 'http://recklinghausen.localhost' },
    );
    expect(empty.status).toBe(422);
    expect(json(empty).errors[0].field).toBe('body');
  });

  it('counts the statistics as an SQL aggregate of the same rows does, as JSON and as CSV', async () => {
    const from = new Date(Date.now() - 400 * 86_400_000).toISOString().slice(0, 7);
    const to = new Date().toISOString().slice(0, 7);
    const stats = json(await call('recklinghausen', reAdmin, `/api/v1/backoffice/statistics?from=${from}&to=${to}`));
    const expected = await sql<{ month: string; submitted: number; completed: number; median: number | null }>(
      'recklinghausen',
      `select to_char(submitted_at at time zone 'Europe/Berlin', 'YYYY-MM') as month, count(*)::int as submitted,
              count(*) filter (where status = 'completed')::int as completed,
              percentile_cont(0.5) within group (order by extract(epoch from decided_at - submitted_at) / 3600)
                filter (where decided_at is not null) as median
         from public.applications where tenant_id = current_setting('app.tenant_id')::uuid and submitted_at is not null
        group by 1 order by 1`,
    );
    expect(
      stats.rows.map((r: { month: string; submitted: number; completed: number; medianHours: number | null }) => [
        r.month,
        r.submitted,
        r.completed,
        r.medianHours,
      ]),
    ).toEqual(expected.map((e) => [e.month, e.submitted, e.completed, e.median === null ? null : Number(e.median)]));
    const csv = await call('recklinghausen', reAdmin, `/api/v1/backoffice/statistics?from=${from}&to=${to}`, {
      accept: 'text/csv',
    });
    expect(csv.headers['content-type']).toContain('text/csv');
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^service,title,month,submitted,completed/);
    expect(lines.slice(1).map((l) => csvFields(l).slice(2, 5))).toEqual(
      expected.map((e) => [e.month, String(e.submitted), String(e.completed)]),
    );
    expect(csv.body).not.toMatch(/@example\.org|Mustermann/);
    const bad = await call('recklinghausen', reAdmin, '/api/v1/backoffice/statistics?from=2026-02-30');
    expect(bad.status).toBe(400);
    expect(json(bad).errors[0].field).toBe('from');
    const both = await call('recklinghausen', reAdmin, '/api/v1/backoffice/statistics?from=2026-02-30&to=morgen');
    expect(json(both).errors.map((e: { field: string }) => e.field)).toEqual(['from', 'to']);
  });

  it('answers any inbox query with a 2xx or a 4xx, never a 5xx', async () => {
    const value = fc.oneof(
      fc.string({ maxLength: 120 }),
      fc.constantFrom('in_review', 'me', 'none', '2026-01-01', '%', '_', "'", '\\', '\u0000', 'ä'.repeat(200)),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(
          fc.constantFrom('status', 'service', 'office', 'assignee', 'from', 'to', 'q', 'cursor', 'limit'),
          value,
        ),
        async (query) => {
          const qs = new URLSearchParams(query).toString();
          const response = await call('recklinghausen', reAdmin, `/api/v1/backoffice/applications?${qs}`);
          expect(response.status).toBeLessThan(500);
        },
      ),
      { numRuns: 60 },
    );
  });

  describe('pages', () => {
    const page = (tenant: string, who: StaffLogin | undefined, path: string) =>
      get(portal.port, path, `${tenant}.localhost`, { accept: 'text/html', ...(who ? { cookie: who.cookie } : {}) });

    it('sends a browser without a staff session to the staff login', async () => {
      const response = await page('recklinghausen', undefined, '/backoffice');
      expect(response.status).toBe(303);
      expect(response.headers.location).toBe('/backoffice/login');
    });

    it('shows the inbox with counts, filters and the newest applications', async () => {
      const response = await page('recklinghausen', reAdmin, '/backoffice?status=in_review');
      expect(response.status).toBe(200);
      expect(response.headers['cache-control']).toBe('no-store');
      expect(response.body).toContain('id="inbox"');
      expect(response.body).toMatch(/<option value="in_review" selected>/);
      const bad = await page('recklinghausen', reAdmin, '/backoffice?from=gestern');
      expect(bad.status).toBe(400);
      expect(bad.body).toContain('href="#filter-from"');
    });

    it('shows an application and takes a note with the session’s CSRF token only', async () => {
      const [row] = await sql<{ id: string }>(
        'recklinghausen',
        `select id from public.applications where tenant_id = current_setting('app.tenant_id')::uuid order by number desc limit 1`,
      );
      const detail = await page('recklinghausen', reAdmin, `/backoffice/antraege/${row.id}`);
      expect(detail.status).toBe(200);
      const csrf = /name="_csrf" value="([^"]+)"/.exec(detail.body)![1];
      const refused = await postForm(
        portal.port,
        `/backoffice/antraege/${row.id}/notiz`,
        'recklinghausen.localhost',
        {
          _csrf: 'falsch',
          body: 'nicht gespeichert',
        },
        { cookie: reAdmin.cookie },
      );
      expect(refused.status).toBe(403);
      const saved = await postForm(
        portal.port,
        `/backoffice/antraege/${row.id}/notiz`,
        'recklinghausen.localhost',
        {
          _csrf: csrf,
          body: 'Rückruf vereinbart',
        },
        { cookie: reAdmin.cookie },
      );
      expect(saved.status).toBe(303);
      const after = await page('recklinghausen', reAdmin, saved.headers.location as string);
      expect(after.body).toContain('Rückruf vereinbart');
      expect(after.body).not.toContain('nicht gespeichert');
    });

    it('draws the statistics as SVG charts, each with its table, and offers the CSV', async () => {
      const response = await page('recklinghausen', reAdmin, '/backoffice/statistik');
      expect(response.status).toBe(200);
      expect(response.body.match(/<svg [^>]*role="img"/g)?.length).toBe(4);
      for (const table of ['table-months', 'table-times', 'table-backlog'])
        expect(response.body).toContain(`id="${table}"`);
      const csvHref = /href="(\/backoffice\/statistik\.csv[^"]*)"/.exec(response.body)![1].replace(/&amp;/g, '&');
      const csv = await page('recklinghausen', reAdmin, csvHref);
      expect(csv.status).toBe(200);
      expect(csv.headers['content-disposition']).toMatch(/^attachment/);
    });

    it('shows the audit trail to the tenant admin', async () => {
      const response = await page('recklinghausen', reAdmin, '/backoffice/protokoll?action=application.viewed');
      expect(response.status).toBe(200);
      expect(response.body).toContain('Antrag angesehen');
    });
  });
});
