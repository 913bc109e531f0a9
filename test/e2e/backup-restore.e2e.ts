import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { RunningPortal, startPortal } from '../../apps/portal/src/portal';
import { TestDatabase, createTestDatabase, get, testConfig } from '@openrathaus/testing';
import { TestPortal, startTestPortal } from '../support';
import { issuedParkingPermit } from '../support-documents';

const run = promisify(execFile);

/**
 * The backup of docs/operations.md, done: `pg_dump` of a database with an issued document, the
 * files copied, a restore into a fresh database, and a portal on the restored database that
 * answers the document's verification as the original did.
 */
describe('backup and restore', () => {
  let storageDir: string;
  let dumpDir: string;
  let original: TestPortal;
  let originalStopped = false;
  let restoredDb: TestDatabase;
  let restored: RunningPortal | undefined;
  let code: string;

  const verify = async (port: number) => {
    const res = await get(port, `/verify/${encodeURIComponent(code)}?format=json`, `localhost:${port}`);
    expect(res.status).toBe(200);
    return JSON.parse(res.body) as Record<string, unknown>;
  };

  beforeAll(async () => {
    storageDir = mkdtempSync(join(tmpdir(), 'or-backup-files-'));
    dumpDir = mkdtempSync(join(tmpdir(), 'or-backup-dump-'));
    original = await startTestPortal({ storageDir });
    ({
      issued: { verifyCode: code },
    } = await issuedParkingPermit(original, 'recklinghausen', 'RE-2026-000042'));
  });

  afterAll(async () => {
    await restored?.close();
    if (!originalStopped) await original?.stop();
    await restoredDb?.drop();
    rmSync(storageDir, { recursive: true, force: true });
    rmSync(dumpDir, { recursive: true, force: true });
  });

  it('serves the verification of a document from a database restored from its dump', async () => {
    const before = await verify(original.port);
    expect(before).toMatchObject({ status: 'valid', holder: 'Erika Mustermann', number: 'RE-2026-000042' });

    // As docs/operations.md says: one consistent dump in the custom format, as the owner.
    const dump = join(dumpDir, 'openrathaus.dump');
    await run('pg_dump', ['--format=custom', '--file', dump, original.db.ownerUrl]);
    await original.stop();
    originalStopped = true;

    restoredDb = await createTestDatabase({ migrate: false });
    await run('pg_restore', ['--exit-on-error', '--dbname', restoredDb.ownerUrl, dump]);

    // The restored database is the whole state: tenants, keys and documents come from it, not from files.
    restored = await startPortal(testConfig(restoredDb, { storageDir, syncTenantsOnStart: false, runWorker: false }));
    const after = await verify(restored.config.port);
    expect(after).toEqual(before);
  });
});
