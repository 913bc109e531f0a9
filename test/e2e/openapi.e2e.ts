import { importEsm } from '@openrathaus/core';
import { get } from '@openrathaus/testing';
import { TestPortal, startTestPortal } from '../support';

interface Problem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer?: string }[];
}

interface Redocly {
  createConfig(config: unknown): Promise<unknown>;
  lintFromString(options: { source: string; absoluteRef?: string; config: unknown }): Promise<Problem[]>;
}

type Operation = { responses?: Record<string, { content?: Record<string, { schema?: unknown }> }> };

/**
 * The OpenAPI description is what integrators generate clients from: it must pass a linter's
 * recommended rules, and every operation must describe its answer and its error answers.
 */
describe('the OpenAPI description', () => {
  let portal: TestPortal;
  let document: { paths: Record<string, Record<string, Operation>>; components: { schemas: Record<string, unknown> } };
  let source: string;

  beforeAll(async () => {
    portal = await startTestPortal();
    source = (await get(portal.port, '/api/docs-json', 'gelsenkirchen.localhost')).body;
    document = JSON.parse(source) as typeof document;
  });

  afterAll(async () => {
    await portal?.stop();
  });

  const operations = () =>
    Object.entries(document.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, operation]) => ({ name: `${method.toUpperCase()} ${path}`, operation })),
    );

  it('passes the recommended rules of Redocly’s linter without an error', async () => {
    const redocly = await importEsm<Redocly>('@redocly/openapi-core');
    const config = await redocly.createConfig({ extends: ['recommended'] });
    const problems = await redocly.lintFromString({ source, absoluteRef: 'openapi.json', config });
    const errors = problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId} at ${p.location[0]?.pointer ?? '?'}: ${p.message}`);
    expect(errors).toEqual([]);
  });

  it('describes the answer of every operation: a schema, or that there is no body', () => {
    const missing = operations()
      .filter(({ operation }) => {
        const success = Object.entries(operation.responses ?? {}).filter(([code]) => /^2/.test(code));
        return !success.length || success.some(([code, r]) => code !== '204' && !r.content);
      })
      .map(({ name }) => name);
    expect(missing).toEqual([]);
  });

  it('describes the error answers of every operation, those of the API with the one error body', () => {
    const missing = operations()
      .filter(({ name, operation }) => {
        const errors = Object.entries(operation.responses ?? {}).filter(([code]) => /^[45]/.test(code));
        // The probes answer with their own report (/health) or a page (/metrics), not the API's error body.
        const body = / \/(health|metrics)$/.test(name) ? '' : 'ErrorBody';
        return !errors.length || errors.some(([, r]) => !r.content || !JSON.stringify(r.content).includes(body));
      })
      .map(({ name }) => name);
    expect(missing).toEqual([]);
    expect(document.components.schemas.ErrorBody).toBeDefined();
  });
});
