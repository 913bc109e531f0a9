import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { CONFIG_VARIABLES, projectRoot } from '@openrathaus/core';

const root = projectRoot();
const dockerDir = join(root, 'docker');
const known = new Set(CONFIG_VARIABLES.map((v) => v.name));

interface ComposeService {
  image?: string;
  environment?: Record<string, unknown> | string[];
}

interface Container {
  image?: string;
  env?: { name: string }[];
}

const isOurImage = (image: string | undefined): boolean => /^openrathaus(:|$)/.test(image ?? '');

/** Variable names compose sets for the services that run the OpenRathaus image. */
function composeVariables(): Map<string, string> {
  const compose = parse(readFileSync(join(dockerDir, 'compose.yml'), 'utf8'), { merge: true }) as {
    services: Record<string, ComposeService>;
  };
  const found = new Map<string, string>();
  for (const [name, service] of Object.entries(compose.services)) {
    if (!isOurImage(service.image)) continue;
    const env = service.environment ?? {};
    const names = Array.isArray(env) ? env.map((e) => e.split('=')[0]) : Object.keys(env);
    for (const variable of names) found.set(variable, `docker/compose.yml services.${name}`);
  }
  return found;
}

/** Variable names the Kubernetes manifests (base and scale-out overlay) set for containers of the OpenRathaus image. */
function kubernetesVariables(): Map<string, string> {
  const found = new Map<string, string>();
  for (const dir of [join(dockerDir, 'k8s'), join(dockerDir, 'k8s-scale-out')])
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      for (const doc of parseAllDocuments(readFileSync(join(dir, file), 'utf8'))) {
        const spec = (doc.toJS() as { spec?: { template?: { spec?: Record<string, Container[]> } } } | null)?.spec;
        const pod = spec?.template?.spec;
        if (!pod) continue;
        for (const container of [...(pod.containers ?? []), ...(pod.initContainers ?? [])]) {
          if (!isOurImage(container.image)) continue;
          for (const { name } of container.env ?? []) found.set(name, relative(root, join(dir, file)));
        }
      }
    }
  return found;
}

describe('the containers set only variables the platform reads', () => {
  it('compose and the Kubernetes manifests name no unknown variable', () => {
    const set = new Map([...composeVariables(), ...kubernetesVariables()]);
    expect(set.size).toBeGreaterThan(10);
    const unknown = [...set].filter(([name]) => !known.has(name)).map(([name, where]) => `${name} (${where})`);
    expect(unknown).toEqual([]);
  });

  it('every variable the code reads is in CONFIG_VARIABLES', () => {
    const read = new Set<string>();
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (path !== join(root, 'libs', 'testing')) walk(path);
        } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts')) {
          for (const m of readFileSync(path, 'utf8').matchAll(/\benv\.([A-Z][A-Z0-9_]+)/g)) read.add(m[1]);
        }
      }
    };
    // libs/testing is the test harness: its settings (TEST_*, CHROMIUM_PATH, …) are not the platform's.
    for (const dir of ['apps', 'libs']) walk(join(root, dir));
    expect([...read].filter((name) => !known.has(name))).toEqual([]);
  });

  it('every variable has a description', () => {
    expect(CONFIG_VARIABLES.filter((v) => !v.description.trim()).map((v) => v.name)).toEqual([]);
    expect(new Set(CONFIG_VARIABLES.map((v) => v.name)).size).toBe(CONFIG_VARIABLES.length);
  });
});

describe('compose is safe by default', () => {
  it('keeps the payment sandbox off unless asked', () => {
    const text = readFileSync(join(dockerDir, 'compose.yml'), 'utf8');
    const compose = parse(text, { merge: true }) as { services: Record<string, ComposeService> };
    const values = Object.values(compose.services)
      .filter((s) => isOurImage(s.image))
      .map((s) => (s.environment as Record<string, unknown>).PAYMENT_SANDBOX);
    expect(values.length).toBeGreaterThan(0);
    for (const value of values) expect(value).toBe('${PAYMENT_SANDBOX:-false}');
  });

  it('gives no application container a role name to trust', () => {
    expect([...composeVariables().keys(), ...kubernetesVariables().keys()]).not.toContain('DATABASE_APP_ROLE');
  });
});
