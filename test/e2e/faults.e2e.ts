/**
 * The fault harness's short form (`npm run faults -- --short`), so that every test run checks it:
 * 200 submissions through the compiled portal and worker while the worker is killed once, Redis
 * restarts empty, PostgreSQL restarts, and the office's receiver is away for 10 seconds; every
 * application must have exactly one document, one confirmation mail, one receipt and one hand-off.
 * The harness brings its own PostgreSQL and Redis on free ports, so that restarting them disturbs
 * neither the shared ones nor the other tests.
 */
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { projectRoot } from '@openrathaus/core';
import { bareEnv } from '../support';

const ROOT = projectRoot();

/** One row of the harness's table. */
interface Counted {
  expected: number;
  received: number;
  doubled: number;
  missing: number;
}

function runHarness(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'bench', 'faults.mjs'), ...args], {
      cwd: ROOT,
      // Its own settings only: no DATABASE_URL or REDIS_URL of the shared services leaks in.
      env: bareEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

function table(stdout: string): Map<string, Counted> {
  const rows = new Map<string, Counted>();
  for (const match of stdout.matchAll(/^\| ([a-z -]+) \| (\d+) \| (\d+) \| (\d+) \| (\d+) \|$/gm)) {
    const [, name, expected, received, doubled, missing] = match;
    rows.set(name, {
      expected: Number(expected),
      received: Number(received),
      doubled: Number(doubled),
      missing: Number(missing),
    });
  }
  return rows;
}

describe('faults: worker killed, Redis and PostgreSQL restarted, receiver away', () => {
  beforeAll(() => {
    // The harness runs the compiled apps; the incremental build is quick when dist/ is current.
    const build = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json'], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
  }, 300_000);

  it('loses no application and hands none over twice', async () => {
    const { code, stdout, stderr } = await runHarness(['--short']);
    const rows = table(stdout);
    const one = { expected: 200, received: 200, doubled: 0, missing: 0 };
    expect({ code, output: code === 0 ? '' : stdout + stderr.slice(-4000) }).toEqual({ code: 0, output: '' });
    expect(Object.fromEntries(rows)).toEqual({
      documents: one,
      'confirmation mails': one,
      'receipt mails': one,
      'hand-offs': one,
    });
    expect(stdout).toMatch(/worker killed 1×, Redis restarted 1×, PostgreSQL restarted 1×/);
    expect(stdout).toMatch(/receiver away 10 s/);
    expect(stdout).toMatch(/unexpected exits: none/);
    // While PostgreSQL or Redis restarted, the portal said "try again" (503), never 500.
    const answers = /answers while something was down: (.*)$/m.exec(stdout)?.[1] ?? '';
    expect(answers.split(', ').filter((a) => !/^(503|no connection) ×\d+$|^none$/.test(a))).toEqual([]);
  }, 600_000);
});
