import { readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** What the lock file in a data directory says: which process serves its embedded database, and where. */
export interface EmbeddedLock {
  pid: number;
  /** Undefined while the process is still opening the database. */
  port?: number;
}

/** The lock file of a data directory's embedded database. */
export const embeddedLockPath = (dataDir: string): string => join(dataDir, 'embedded-db.lock');

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** The lock as written; `{}` while its writer is between creating and filling it; undefined without a file. */
export function readEmbeddedLock(dataDir: string): Partial<EmbeddedLock> | undefined {
  let text: string;
  try {
    text = readFileSync(embeddedLockPath(dataDir), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as Partial<EmbeddedLock>;
    return { pid: Number.isInteger(parsed.pid) ? parsed.pid : undefined, port: parsed.port ?? undefined };
  } catch {
    return {};
  }
}

/** Whether the process a lock names has died, so that the lock may be taken over. */
export const isStale = (lock: Partial<EmbeddedLock>): boolean => lock.pid !== undefined && !alive(lock.pid);

/**
 * Claims the data directory for this process. The file is created exclusively, so that of two
 * processes starting at once only one opens PGlite's files. False when another lock is there.
 */
export function claimEmbeddedLock(dataDir: string): boolean {
  try {
    writeFileSync(embeddedLockPath(dataDir), JSON.stringify({ pid: process.pid }), { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Records the port once the database is served; written whole (rename), so no reader sees half a file. */
export function recordEmbeddedPort(dataDir: string, port: number): void {
  const temporary = `${embeddedLockPath(dataDir)}.${process.pid}`;
  writeFileSync(temporary, JSON.stringify({ pid: process.pid, port } satisfies EmbeddedLock));
  renameSync(temporary, embeddedLockPath(dataDir));
}

/** Removes the lock when it still names `pid` (this process's own, or a dead process's). */
export function releaseEmbeddedLock(dataDir: string, pid = process.pid): void {
  if (readEmbeddedLock(dataDir)?.pid !== pid) return;
  try {
    unlinkSync(embeddedLockPath(dataDir));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}
