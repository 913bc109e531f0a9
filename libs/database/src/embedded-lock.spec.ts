import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  claimEmbeddedLock,
  embeddedLockPath,
  isStale,
  readEmbeddedLock,
  recordEmbeddedPort,
  releaseEmbeddedLock,
} from './embedded-lock';

/** The pid of a process that has ended. */
const deadPid = (): number => spawnSync(process.execPath, ['-e', '0']).pid;

describe('the lock of a data directory', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'or-lock-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is claimed by one process only, and names its port once served', () => {
    expect(readEmbeddedLock(dir)).toBeUndefined();
    expect(claimEmbeddedLock(dir)).toBe(true);
    expect(claimEmbeddedLock(dir)).toBe(false);
    expect(readEmbeddedLock(dir)).toEqual({ pid: process.pid, port: undefined });
    recordEmbeddedPort(dir, 54330);
    expect(readEmbeddedLock(dir)).toEqual({ pid: process.pid, port: 54330 });
    expect(isStale(readEmbeddedLock(dir)!)).toBe(false);
    releaseEmbeddedLock(dir);
    expect(existsSync(embeddedLockPath(dir))).toBe(false);
  });

  it("is stale when its process has ended, and is not removed on another process's behalf", () => {
    const pid = deadPid();
    writeFileSync(embeddedLockPath(dir), JSON.stringify({ pid, port: 54329 }));
    expect(isStale(readEmbeddedLock(dir)!)).toBe(true);
    releaseEmbeddedLock(dir);
    expect(existsSync(embeddedLockPath(dir))).toBe(true);
    releaseEmbeddedLock(dir, pid);
    expect(claimEmbeddedLock(dir)).toBe(true);
  });

  it('reads a half-written file as a lock whose writer is still at work', () => {
    writeFileSync(embeddedLockPath(dir), '');
    expect(readEmbeddedLock(dir)).toEqual({});
    expect(isStale({})).toBe(false);
  });
});
