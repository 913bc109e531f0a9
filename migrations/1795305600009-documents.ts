import { MigrationInterface, QueryRunner } from 'typeorm';
import { enableTenantRls } from './1795305600000-foundation';

/** Issued documents and the signing keys of tenants. */
export class Documents1795305600009 implements MigrationInterface {
  name = 'Documents1795305600009';

  async up(q: QueryRunner): Promise<void> {
    // Ed25519 keys: the public key in the clear (it verifies), the private key sealed with AES-256-GCM
    // under a key derived from the platform's secret (see docs/documents.md).
    await q.query(`
      create table public.signing_keys (
        id uuid primary key default gen_random_uuid(),
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        algorithm text not null default 'Ed25519' check (algorithm = 'Ed25519'),
        public_key text not null,
        private_key text not null,
        created_at timestamptz not null default now(),
        retired_at timestamptz
      )`);
    // One key signs at a time; retired keys stay to verify what they signed.
    await q.query(
      `create unique index signing_keys_current on public.signing_keys (tenant_id) where retired_at is null`,
    );
    await enableTenantRls(q, 'signing_keys');
    await q.query(`grant select, insert, update on public.signing_keys to openrathaus_app`);

    await q.query(`
      create table public.documents (
        id uuid primary key,
        tenant_id uuid not null references public.tenants(id) on delete cascade,
        application_id uuid not null references public.applications(id) on delete cascade,
        template text not null,
        title text not null,
        filename text not null,
        storage_key text not null,
        sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
        verify_code text not null,
        key_id uuid not null references public.signing_keys(id),
        signature text not null,
        holder text not null,
        number text not null,
        content text not null,
        locale text not null,
        issued_at timestamptz not null,
        valid_until date,
        revoked_at timestamptz,
        created_at timestamptz not null default now()
      )`);
    // Issuing is idempotent per application and template: a repeated job finds the document it made.
    await q.query(`create unique index documents_once on public.documents (tenant_id, application_id, template)`);
    await q.query(`create unique index documents_code on public.documents (tenant_id, verify_code)`);
    await enableTenantRls(q, 'documents');
    await q.query(`grant select, insert, update on public.documents to openrathaus_app`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`drop table public.documents`);
    await q.query(`drop table public.signing_keys`);
  }
}
