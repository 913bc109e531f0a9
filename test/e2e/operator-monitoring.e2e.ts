import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { projectRoot } from '@openrathaus/core';
import { JobQueues } from '@openrathaus/jobs';
import { InstancesRepository, platformVersion } from '@openrathaus/observability';
import { currentMonth } from '@openrathaus/operations';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { TestResponse, get, postForm, send } from '@openrathaus/testing';
import { TestPortal, eventually, startTestPortal } from '../support';
import { Citizen, registerCitizen } from '../support-citizen';
import { issuedParkingPermit } from '../support-documents';
import { TestSmtp, startSmtp } from '../support-mail';
import { OPERATOR_HOST, OperatorLogin, operatorLogin } from '../support-operator-login';
import { StaffLogin, staffSession } from '../support-staff';

const run = promisify(execFile);
const NUMBER = 'RE-2026-000077';

/** The metric names a PromQL expression reads: identifiers that are neither functions, keywords nor labels. */
export function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names: string[] = [];
  for (const match of stripped.matchAll(/(?<![\w$.])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = match;
    if (call) continue;
    if (['by', 'without', 'on', 'ignoring', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan'].includes(name))
      continue;
    names.push(name);
  }
  return names;
}

describe('operator console: health, queues, usage, support, metrics', () => {
  let smtp: TestSmtp;
  let portal: TestPortal;
  let storageDir: string;
  let owner: Client;
  let recklinghausen: Tenant;
  let operator: OperatorLogin;
  let caseworker: StaffLogin;
  let citizen: Citizen;
  let applicationId: string;

  const op = (method: string, path: string, body?: unknown, cookie = operator.cookie) =>
    send(portal.port, method, path, OPERATOR_HOST, body, cookie ? { cookie } : {});
  const json = <T>(res: TestResponse): T => JSON.parse(res.body) as T;
  const auditOf = async (tenant: Tenant, action: string) =>
    (
      await owner.query<{ actor: string; subject: string; data: Record<string, unknown> }>(
        `select actor, subject, data from public.audit_log where tenant_id = $1 and action = $2 order by created_at`,
        [tenant.id, action],
      )
    ).rows;

  beforeAll(async () => {
    smtp = await startSmtp();
    storageDir = mkdtempSync(join(tmpdir(), 'or-operator-'));
    portal = await startTestPortal({ smtpUrl: smtp.url, storageDir });
    owner = new Client({ connectionString: portal.db.ownerUrl });
    await owner.connect();
    recklinghausen = portal.app.get(TenantRegistry).get('recklinghausen')!;
    ({ applicationId } = await issuedParkingPermit(portal, 'recklinghausen', NUMBER));
    operator = await operatorLogin(portal, 'betrieb@gkd-el.example');
    caseworker = await staffSession(portal, 'recklinghausen', 'admin@recklinghausen.example', 'tenant-admin');
    citizen = await registerCitizen(portal, smtp, 'recklinghausen.localhost', 'buergerin@example.org');
  });

  afterAll(async () => {
    await owner?.end();
    await portal?.stop();
    await smtp?.close();
    rmSync(storageDir, { recursive: true, force: true });
  });

  describe('access', () => {
    const paths = [
      '/api/v1/operator/queues',
      '/api/v1/operator/instances',
      '/api/v1/operator/usage',
      '/konsole/warteschlangen',
      '/konsole/instanzen',
      '/konsole/nutzung',
      '/konsole/support',
    ];

    it('lets operators in on the operator host', async () => {
      for (const path of paths) expect([path, (await op('GET', path)).status]).toEqual([path, 200]);
    });

    it('answers 401 without a session and to citizens, 403 to the staff of a tenant', async () => {
      for (const path of paths) {
        expect([path, (await op('GET', path, undefined, '')).status]).toEqual([path, 401]);
        expect([path, (await op('GET', path, undefined, citizen.cookie)).status]).toEqual([path, 401]);
        expect([path, (await op('GET', path, undefined, caseworker.cookie)).status]).toEqual([path, 403]);
      }
    });

    it('does not exist on a tenant’s host, not even for an operator', async () => {
      for (const path of paths) {
        const res = await get(portal.port, path, `recklinghausen.localhost:${portal.port}`, {
          cookie: operator.cookie,
        });
        expect([path, res.status]).toEqual([path, 404]);
      }
    });
  });

  describe('health', () => {
    it('lists this portal from its heartbeat, with version and start, not stale', async () => {
      const res = await op('GET', '/api/v1/operator/instances');
      const body = json<{
        instances: { kind: string; pid: number; version: string; stale: boolean; startedAt: string }[];
      }>(res);
      const self = body.instances.find((i) => i.kind === 'portal' && i.pid === process.pid);
      expect(self).toMatchObject({ version: platformVersion(), stale: false });
      expect(new Date(self!.startedAt).getTime()).toBeLessThanOrEqual(Date.now());
    });

    it('marks an instance whose heartbeat stopped as stale', async () => {
      await portal.app.get(InstancesRepository).beat({
        id: 'worker-gone-1',
        kind: 'worker',
        host: 'worker-7f9c',
        pid: 4242,
        version: '0.0.9',
        startedAt: new Date(Date.now() - 3600_000),
      });
      await owner.query(
        `update public.instances set last_seen = now() - interval '5 minutes' where id = 'worker-gone-1'`,
      );
      const body = json<{ instances: { id: string; stale: boolean; silentSeconds: number }[] }>(
        await op('GET', '/api/v1/operator/instances'),
      );
      expect(body.instances.find((i) => i.id === 'worker-gone-1')).toMatchObject({ stale: true });
      expect(body.instances.find((i) => i.id === 'worker-gone-1')!.silentSeconds).toBeGreaterThanOrEqual(299);
      const page = await op('GET', '/konsole/instanzen');
      expect(page.body).toMatch(/data-instance="worker-gone-1" data-stale/);
      expect(page.body).toContain('0.0.9');
    });
  });

  describe('queues', () => {
    let jobId: string;

    beforeAll(async () => {
      // A job no handler takes fails at once, for good with one attempt.
      jobId = await portal.app
        .get(JobQueues)
        .enqueue('mail', 'no-such-job', { tenantId: recklinghausen.id }, { attempts: 1 });
      await eventually(async () => (await portal.app.get(JobQueues).queue('mail').getJobState(jobId)) === 'failed');
    });

    it('counts per queue and tenant the waiting, active, delayed, failed and dead jobs', async () => {
      const queues = json<
        ({ queue: string; tenants: ({ tenant: string } & Record<string, number>)[] } & Record<string, number>)[]
      >(await op('GET', '/api/v1/operator/queues'));
      for (const q of queues) {
        for (const key of ['waiting', 'active', 'delayed', 'failed', 'dead']) expect(typeof q[key]).toBe('number');
      }
      expect(queues.map((q) => q.queue)).toEqual(expect.arrayContaining(['mail', 'workflow']));
      const mail = queues.find((q) => q.queue === 'mail')!;
      expect(mail.failed).toBeGreaterThanOrEqual(1);
      expect(mail.dead).toBeGreaterThanOrEqual(1);
      expect(mail.tenants.find((t) => t.tenant === 'recklinghausen')).toMatchObject({ failed: 1, dead: 1 });
      const page = await op('GET', '/konsole/warteschlangen');
      expect(page.body).toContain('data-queue="mail"');
      expect(page.body).toContain('href="/konsole/warteschlangen/mail"');
    });

    it('shows a failed job with its error, and nothing of its payload but ids', async () => {
      const failed = json<{ id: string; tenant: string; error: string; dead: boolean }[]>(
        await op('GET', '/api/v1/operator/queues/mail/failed?tenant=recklinghausen'),
      );
      expect(failed).toEqual([expect.objectContaining({ id: jobId, tenant: 'recklinghausen', dead: true })]);
      expect(failed[0].error).toContain('jobs.no_handler');
      const page = await op('GET', '/konsole/warteschlangen/mail');
      expect(page.body).toContain(`data-job="${jobId}"`);
      expect(page.body).toContain('jobs.no_handler');
    });

    it('retries a failed job (audited in its tenant), which fails again here', async () => {
      expect((await op('POST', `/api/v1/operator/queues/mail/jobs/${jobId}/retry`, {})).status).toBe(204);
      await eventually(async () => (await portal.app.get(JobQueues).queue('mail').getJobState(jobId)) === 'failed');
      expect(await auditOf(recklinghausen, 'operator.job.retry')).toEqual([
        expect.objectContaining({ actor: `operator:${operator.email}`, subject: `job:mail:${jobId}` }),
      ]);
    });

    it('retries through the page’s form too, with its CSRF token', async () => {
      const page = await op('GET', '/konsole/warteschlangen/mail');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)![1];
      const posted = await postForm(
        portal.port,
        `/konsole/warteschlangen/mail/${jobId}/wiederholen`,
        OPERATOR_HOST,
        { _csrf: csrf },
        { cookie: operator.cookie },
      );
      expect(posted.status).toBe(303);
      expect(posted.headers.location).toBe('/konsole/warteschlangen/mail?done=retry');
      const forged = await postForm(
        portal.port,
        `/konsole/warteschlangen/mail/${jobId}/verwerfen`,
        OPERATOR_HOST,
        { _csrf: 'x' },
        { cookie: operator.cookie },
      );
      expect(forged.status).toBe(403);
      await eventually(async () => (await portal.app.get(JobQueues).queue('mail').getJobState(jobId)) === 'failed');
    });

    it('discards a failed job for good (audited); then it is gone', async () => {
      expect((await op('POST', `/api/v1/operator/queues/mail/jobs/${jobId}/discard`, {})).status).toBe(204);
      expect(await portal.app.get(JobQueues).queue('mail').getJob(jobId)).toBeUndefined();
      expect(await auditOf(recklinghausen, 'operator.job.discard')).toHaveLength(1);
      const again = await op('POST', `/api/v1/operator/queues/mail/jobs/${jobId}/discard`, {});
      expect(again.status).toBe(404);
    });

    it('refuses an unknown queue naming the field', async () => {
      const res = await op('GET', '/api/v1/operator/queues/nope/failed');
      expect(res.status).toBe(422);
      expect(json<{ errors: { field: string }[] }>(res).errors[0].field).toBe('queue');
    });
  });

  describe('usage', () => {
    const month = currentMonth();

    it('counts per tenant the month’s applications, documents, mails, payments and storage', async () => {
      const report = json<{ month: string; tenants: Record<string, unknown>[] }>(
        await op('GET', `/api/v1/operator/usage?month=${month}`),
      );
      expect(report.month).toBe(month);
      expect(report.tenants.find((t) => t.tenant === 'recklinghausen')).toMatchObject({
        applications: 1,
        documents: 1,
        payments: 0,
      });
      expect(report.tenants.find((t) => t.tenant === 'dortmund')).toMatchObject({ applications: 0, documents: 0 });
      const page = await op('GET', `/konsole/nutzung?month=${month}`);
      expect(page.body).toContain('data-tenant="recklinghausen"');
    });

    it('answers CSV for billing', async () => {
      const res = await op('GET', `/api/v1/operator/usage?month=${month}`, undefined);
      const csv = await get(portal.port, `/api/v1/operator/usage?month=${month}`, OPERATOR_HOST, {
        cookie: operator.cookie,
        accept: 'text/csv',
      });
      expect(res.status).toBe(200);
      expect(csv.headers['content-type']).toMatch(/^text\/csv/);
      const lines = csv.body.trim().split('\r\n');
      expect(lines[0]).toBe('month,tenant,name,applications,documents,mails,payments,paid_eur,storage_bytes');
      expect(lines).toContain(`${month},recklinghausen,Stadt Recklinghausen,1,1,0,0,0.00,0`);
      const page = await get(portal.port, `/konsole/nutzung.csv?month=${month}`, OPERATOR_HOST, {
        cookie: operator.cookie,
      });
      expect(page.body).toBe(csv.body);
    });

    it('counts nothing in a month before and refuses a month that is none, naming the field', async () => {
      const empty = json<{ totals: Record<string, number> }>(await op('GET', '/api/v1/operator/usage?month=2001-01'));
      expect(Object.values(empty.totals).every((n) => n === 0)).toBe(true);
      for (const bad of ['2026-13', '2026-1', 'last', '2026-11-01']) {
        const res = await op('GET', `/api/v1/operator/usage?month=${bad}`);
        expect([bad, res.status]).toEqual([bad, 422]);
        expect(json<{ errors: { field: string }[] }>(res).errors).toEqual([
          expect.objectContaining({ field: 'month' }),
        ]);
      }
      const page = await op('GET', '/konsole/nutzung?month=2026-13');
      expect(page.status).toBe(422);
      expect(page.body).toContain('aria-invalid="true"');
    });
  });

  describe('support', () => {
    const reason = 'Ticket 4711: Bürgerin fragt nach dem Stand';

    it('finds an application by its number across tenants: status and history, not the answers', async () => {
      const res = await op('POST', '/api/v1/operator/support/search', { number: NUMBER, reason });
      expect(res.status).toBe(200);
      const cases = json<Record<string, unknown>[]>(res);
      expect(cases).toEqual([
        expect.objectContaining({ tenant: 'recklinghausen', id: applicationId, number: NUMBER, status: 'in_review' }),
      ]);
      expect(res.body).not.toContain('Mustermann');
      expect(res.body).not.toContain('RE-AB 123');
      expect(cases[0]).not.toHaveProperty('answers');
    });

    it('writes the reason into the tenant’s audit trail', async () => {
      expect(await auditOf(recklinghausen, 'operator.support.lookup')).toEqual([
        expect.objectContaining({
          actor: `operator:${operator.email}`,
          subject: `application:${applicationId}`,
          data: { number: NUMBER, reason },
        }),
      ]);
    });

    it('requires a reason and a number, naming the fields', async () => {
      const res = await op('POST', '/api/v1/operator/support/search', { number: '', reason: ' ' });
      expect(res.status).toBe(422);
      expect(json<{ errors: { field: string }[] }>(res).errors.map((e) => e.field)).toEqual(['number', 'reason']);
      const none = await op('POST', '/api/v1/operator/support/search', { number: 'XX-2026-999999', reason });
      expect(json<unknown[]>(none)).toEqual([]);
    });

    it('searches through the page, which keeps the answers out too', async () => {
      const form = await op('GET', '/konsole/support');
      const csrf = /name="_csrf" value="([^"]+)"/.exec(form.body)![1];
      const page = await postForm(
        portal.port,
        '/konsole/support',
        OPERATOR_HOST,
        { _csrf: csrf, number: NUMBER, reason },
        { cookie: operator.cookie },
      );
      expect(page.status).toBe(200);
      expect(page.body).toContain('data-case="recklinghausen"');
      expect(page.body).not.toContain('Mustermann');
      const missing = await postForm(
        portal.port,
        '/konsole/support',
        OPERATOR_HOST,
        { _csrf: csrf, number: NUMBER, reason: '' },
        { cookie: operator.cookie },
      );
      expect(missing.status).toBe(422);
      expect(missing.body).toContain('href="#support-reason"');
    });
  });

  describe('metrics for monitoring systems', () => {
    const dir = join(projectRoot(), 'docker', 'monitoring');
    let exported: Set<string>;

    beforeAll(async () => {
      const res = await get(portal.port, '/metrics', `localhost:${portal.port}`);
      expect(res.status).toBe(200);
      exported = new Set<string>();
      for (const [, name, type] of res.body.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
        exported.add(name);
        if (type === 'histogram' || type === 'summary')
          for (const s of ['_bucket', '_sum', '_count']) exported.add(name + s);
      }
      // Prometheus adds `up` to every target it scrapes.
      exported.add('up');
    });

    it('exports requests per tenant, queue depth, job outcomes and hand-off dead letters', () => {
      for (const name of [
        'openrathaus_http_requests_total',
        'openrathaus_queue_jobs',
        'openrathaus_jobs_total',
        'openrathaus_handoff_dead_letters',
      ]) {
        expect(exported).toContain(name);
      }
    });

    it('has alert rules that promtool accepts', async () => {
      const { stdout } = await run('promtool', ['check', 'rules', join(dir, 'alerts.yml')]);
      expect(stdout).toMatch(/SUCCESS: \d+ rules found/);
    });

    it('names in its rules and its dashboard only metrics that /metrics exports', () => {
      const rules = readFileSync(join(dir, 'alerts.yml'), 'utf8');
      const exprs = [...rules.matchAll(/expr: (\|\n((?: {10}.*\n)+)|.+)/g)].map(([, line, block]) => block ?? line);
      const dashboard = JSON.parse(readFileSync(join(dir, 'grafana-dashboard.json'), 'utf8')) as {
        panels: { targets: { expr: string }[] }[];
        templating: { list: { definition?: string }[] };
      };
      exprs.push(...dashboard.panels.flatMap((p) => p.targets.map((t) => t.expr)));
      for (const v of dashboard.templating.list) {
        const inner = v.definition && /^label_values\((.+),\s*\w+\)$/.exec(v.definition)?.[1];
        if (inner) exprs.push(inner);
      }
      expect(exprs.length).toBeGreaterThan(15);
      const named = new Set(exprs.flatMap(metricNames));
      expect([...named].filter((n) => !exported.has(n))).toEqual([]);
      expect(named).toContain('openrathaus_handoff_dead_letters');
      expect(named).toContain('openrathaus_queue_jobs');
    });

    it('finds the metric names in PromQL', () => {
      expect(
        metricNames(
          'sum by (tenant) (rate(a_total{status="5xx"}[5m])) / on (x) b > 0.5 and absent(c) unless d offset 5m',
        ),
      ).toEqual(['a_total', 'b', 'c', 'd']);
      expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(h_bucket[$__rate_interval])))')).toEqual([
        'h_bucket',
      ]);
    });
  });
});
