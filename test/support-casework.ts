import { Client } from 'pg';

/** What a synthetic application may set; everything else is filled in plausibly. */
export interface SeedOptions {
  /** Applications to create. */
  count: number;
  service?: string;
  statuses?: readonly string[];
  offices?: readonly (string | null)[];
  /** Submission times are spread over this many days back from now. */
  days?: number;
  /** Hours from submission to decision for decided ones. */
  decisionHours?: (i: number) => number;
  prefix?: string;
}

const GIVEN = ['Erika', 'Max', 'Ayşe', 'Jan', 'Sophie', 'Lukas', 'Mia', 'Ben', 'Lea', 'Paul'];
const FAMILY = ['Mustermann', 'Schmidt', 'Yılmaz', 'Becker', 'Hoffmann', 'Schäfer', 'Koch', 'Richter'];

/**
 * Writes submitted applications of one tenant straight into the database as the schema owner
 * (inside the tenant's RLS context), in one statement: the inbox, the statistics and the benchmark
 * need many rows, not many journeys. The answers are empty; the detail is tested with real ones.
 */
export async function seedApplications(ownerUrl: string, slug: string, options: SeedOptions): Promise<void> {
  const client = new Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    const [tenant] = (await client.query<{ id: string }>(`select id from public.tenants where slug = $1`, [slug])).rows;
    await client.query('begin');
    await client.query(`select set_config('app.tenant_id', $1, true)`, [tenant.id]);
    const service = options.service ?? 'gewerbeanzeige';
    const [definition] = (
      await client.query<{ definition_id: string; ref: string }>(
        `select d.id as definition_id, d.owner_slug || '/' || d.key || '@' || d.version as ref
           from public.process_definitions d where d.key = $1 order by d.published_at desc limit 1`,
        [service],
      )
    ).rows;
    await client.query(
      `insert into public.applications (tenant_id, service_key, definition_id, definition_ref, status, answers,
              parameters, number, locale, step_index, fee_cents, submitted_at, status_changed_at, decided_at,
              office, applicant_name, applicant_email)
       select $1, $2, $3, $4, s.status, '{}', '{}', $5 || lpad(i::text, 7, '0'), case when i % 5 = 0 then 'en' else 'de' end,
              0, 2600, s.submitted_at, s.submitted_at,
              case when s.status in ('approved', 'rejected', 'completed') then s.submitted_at + s.hours * interval '1 hour' end,
              ($6::text[])[1 + i % cardinality($6::text[])],
              ($7::text[])[1 + i % cardinality($7::text[])] || ' ' || ($8::text[])[1 + (i / 7) % cardinality($8::text[])],
              'person' || i || '@example.org'
         from generate_series(1, $9::int) as i,
              lateral (select ($10::text[])[1 + i % cardinality($10::text[])] as status,
                              now() - make_interval(secs => (i::float8 / $9) * $11 * 86400) as submitted_at,
                              $12::float8[] as hs) as p,
              lateral (select p.status, p.submitted_at, p.hs[1 + i % cardinality(p.hs)] as hours) as s`,
      [
        tenant.id,
        service,
        definition.definition_id,
        definition.ref,
        options.prefix ?? 'SEED-',
        options.offices ?? ['gewerbeamt'],
        GIVEN,
        FAMILY,
        options.count,
        options.statuses ?? ['in_review', 'needs_info', 'approved', 'rejected', 'completed', 'paid'],
        options.days ?? 365,
        Array.from({ length: 10 }, (_, i) => options.decisionHours?.(i) ?? 4 + i * 12),
      ],
    );
    await client.query('commit');
  } finally {
    await client.end();
  }
}
