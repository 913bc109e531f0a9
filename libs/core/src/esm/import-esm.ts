/**
 * Loads an ECMAScript-only package (openid-client, oidc-provider) from this CommonJS build. The
 * import stays a real `import()`: TypeScript would turn a written one into `require`, which Jest
 * cannot do for such packages.
 */
// eslint-disable-next-line @typescript-eslint/no-implied-eval
const dynamicImport = new Function('specifier', 'return import(specifier)') as (specifier: string) => Promise<unknown>;

export function importEsm<T>(specifier: string): Promise<T> {
  return dynamicImport(specifier) as Promise<T>;
}
