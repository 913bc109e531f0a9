import { randomUUID } from 'node:crypto';

/**
 * Loads an ECMAScript-only package (openid-client, oidc-provider) from this CommonJS build. The
 * import stays a real `import()`: TypeScript would turn a written one into `require`, which Jest
 * cannot do for such packages. Each call compiles its own function: V8 reuses compiled code of the
 * same source, and Jest would then route the import to the module registry of an earlier test file.
 */
export function importEsm<T>(specifier: string): Promise<T> {
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  const load = new Function('specifier', `return import(specifier); // ${randomUUID()}`) as (
    specifier: string,
  ) => Promise<unknown>;
  return load(specifier) as Promise<T>;
}
