import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { projectRoot } from '@openrathaus/core';

/** A writable copy of the demo tenants, for tests that break or change a tenant file. */
export interface TenantFolder {
  dir: string;
  write(slug: string, yaml: string): void;
  remove(): void;
}

export function copyDemoTenants(): TenantFolder {
  const dir = mkdtempSync(join(tmpdir(), 'or-tenants-'));
  cpSync(join(projectRoot(), 'tenants'), dir, { recursive: true });
  return {
    dir,
    write: (slug, yaml) => writeFileSync(join(dir, slug, 'tenant.yaml'), yaml),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
