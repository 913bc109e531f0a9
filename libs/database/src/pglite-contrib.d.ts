// PGlite ships its extensions under a wildcard export that `moduleResolution: node` cannot follow.
declare module '@electric-sql/pglite/contrib/pg_trgm' {
  import type { Extension } from '@electric-sql/pglite';
  export const pg_trgm: Extension;
}
