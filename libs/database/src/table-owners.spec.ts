import { readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import * as ts from 'typescript';
import { TABLE_OWNERS } from './table-owners';

const root = join(__dirname, '..', '..', '..');
const owners: Record<string, string> = TABLE_OWNERS;

/** A place where code of one project names a table another lib owns. */
interface Trespass {
  at: string;
  table: string;
  owner: string;
  by: 'sql' | 'entity';
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return /\.ts$/.test(entry.name) && !/\.(spec|d)\.ts$/.test(entry.name) ? [path] : [];
  });
}

/** `libs/<lib>/src` and `apps/<app>/src`: the project a file belongs to; apps own no tables. */
function projects(): { project: string; files: string[] }[] {
  return ['libs', 'apps'].flatMap((kind) =>
    readdirSync(join(root, kind)).map((name) => ({
      project: kind === 'libs' ? name : `apps/${name}`,
      files: sourceFiles(join(root, kind, name, 'src')),
    })),
  );
}

// A string is SQL when it starts like a statement or names a schema-qualified table; plain text
// ("create or update tenants") is neither.
const LOOKS_LIKE_SQL =
  /^\s*(select|insert|update|delete|with|create|alter|drop|lock|truncate)\b|\b(public|bullmq)\.\w/i;
const TABLE_AFTER_KEYWORD =
  /\b(?:from|join|into|update|table)\s+(?:only\s+)?(?:(public|bullmq)\.)?"?([a-z_][a-z0-9_]*)"?/gi;

function tablesNamedIn(sql: string): string[] {
  if (!LOOKS_LIKE_SQL.test(sql)) return [];
  return [...sql.matchAll(TABLE_AFTER_KEYWORD)]
    .map(([, schema, name]) => (schema?.toLowerCase() === 'bullmq' ? 'bullmq.*' : name.toLowerCase()))
    .filter((table) => table in owners);
}

function stringText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node))
    return [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join(' ');
  return undefined;
}

/** The table an `@Entity({ name })` decorator names. */
function entityTable(node: ts.Node): string | undefined {
  if (!ts.isDecorator(node) || !ts.isCallExpression(node.expression)) return undefined;
  const call = node.expression;
  if (!ts.isIdentifier(call.expression) || call.expression.text !== 'Entity') return undefined;
  const [options] = call.arguments;
  if (options && ts.isStringLiteral(options)) return options.text;
  if (!options || !ts.isObjectLiteralExpression(options)) return undefined;
  const prop = (key: string) =>
    options.properties.filter(ts.isPropertyAssignment).find((p) => ts.isIdentifier(p.name) && p.name.text === key)
      ?.initializer;
  const name = prop('name');
  const schema = prop('schema');
  if (schema && ts.isStringLiteral(schema) && schema.text === 'bullmq') return 'bullmq.*';
  return name && ts.isStringLiteral(name) ? name.text : undefined;
}

function trespasses(): Trespass[] {
  const found: Trespass[] = [];
  for (const { project, files } of projects()) {
    for (const file of files) {
      const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
      const visit = (node: ts.Node): void => {
        const sql = stringText(node);
        const named: [string, Trespass['by']][] = sql !== undefined ? tablesNamedIn(sql).map((t) => [t, 'sql']) : [];
        const entity = entityTable(node);
        if (entity && entity in owners) named.push([entity, 'entity']);
        for (const [table, by] of named) {
          if (owners[table] === project) continue;
          const line = source.getLineAndCharacterOfPosition(node.getStart()).line + 1;
          found.push({ at: `${relative(root, file).split(sep).join('/')}:${line}`, table, owner: owners[table], by });
        }
        // A template's text was read whole above; its parts need not be visited again.
        if (sql === undefined) ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
  return found;
}

/** Libs whose own tables are named only in their repositories (`*.repository.ts`) and session stores (`*.store.ts`). */
const REPOSITORY_ONLY_LIBS = [
  'applications',
  'backoffice',
  'catalog',
  'database',
  'delivery',
  'documents',
  'identity',
  'jobs',
  'messaging',
  'payments',
  'tenancy',
  'workflow',
];
const REPOSITORY_FILE = /\.(repository|store)\.ts$/;
// The calls of TenantScope, TypeORM's managers and repositories that take an entity class.
const ENTITY_CALL =
  /^(find|findOne|findOneBy|findBy|count|countBy|insert|update|upsert|delete|save|remove|getRepository|createQueryBuilder)$/;

/** Places in a lib of {@link REPOSITORY_ONLY_LIBS}, outside its repositories, that name one of its tables. */
function outsideRepositories(): string[] {
  const found: string[] = [];
  for (const project of REPOSITORY_ONLY_LIBS) {
    const sources = sourceFiles(join(root, 'libs', project, 'src')).map((file) =>
      ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true),
    );
    // The lib's entity classes, by the table each maps.
    const entities = new Map<string, string>();
    for (const source of sources) {
      const visit = (node: ts.Node): void => {
        if (ts.isClassDeclaration(node) && node.name) {
          const table = ts.getDecorators(node)?.map(entityTable).find(Boolean);
          if (table && owners[table] === project) entities.set(node.name.text, table);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    for (const source of sources.filter((s) => !REPOSITORY_FILE.test(s.fileName))) {
      const at = (node: ts.Node) =>
        `${relative(root, source.fileName).split(sep).join('/')}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
      const visit = (node: ts.Node): void => {
        const sql = stringText(node);
        for (const table of sql !== undefined ? tablesNamedIn(sql) : []) {
          if (owners[table] === project) found.push(`${at(node)} names ${table} in sql`);
        }
        if (
          ts.isCallExpression(node) &&
          ts.isPropertyAccessExpression(node.expression) &&
          ENTITY_CALL.test(node.expression.name.text)
        ) {
          for (const arg of node.arguments.filter(ts.isIdentifier)) {
            const table = entities.get(arg.text);
            if (table) found.push(`${at(node)} names ${table} through ${arg.text}`);
          }
        }
        if (sql === undefined) ts.forEachChild(node, visit);
      };
      visit(source);
    }
  }
  return found;
}

describe('every table has one owner', () => {
  it('no lib or app names a table another lib owns', () => {
    const found = trespasses();
    const queries = new Set(found.filter((t) => t.by === 'sql').map((t) => t.at)).size;
    const report = found.map((t) => `  ${t.at} names ${t.table} (owned by ${t.owner}) in ${t.by}`).join('\n');
    expect(`${queries} raw queries outside their owner\n${report}`).toBe('0 raw queries outside their owner\n');
  });

  it(`in ${REPOSITORY_ONLY_LIBS.join(', ')} only repositories and session stores name the lib's tables`, () => {
    expect(outsideRepositories()).toEqual([]);
  });

  it('the scan finds a foreign table in SQL and in an entity, and ignores plain text', () => {
    expect(tablesNamedIn(`select 1 from public.applications a join tenants t on t.id = a.tenant_id`)).toEqual([
      'applications',
      'tenants',
    ]);
    expect(tablesNamedIn(`\n  update public.tenants set revision = revision + 1`)).toEqual(['tenants']);
    expect(tablesNamedIn(`with c as (select id from bullmq.jobs) delete from outbox`)).toEqual(['bullmq.*', 'outbox']);
    expect(tablesNamedIn('validate, then create or update tenants and domains in the database')).toEqual([]);
    const decorator = ts.createSourceFile(
      'x.ts',
      `@Entity({ name: 'payments' }) class X {}`,
      ts.ScriptTarget.Latest,
      true,
    );
    const tables: string[] = [];
    const visit = (node: ts.Node): void => {
      const table = entityTable(node);
      if (table) tables.push(table);
      ts.forEachChild(node, visit);
    };
    visit(decorator);
    expect(tables).toEqual(['payments']);
  });

  it('every table a migration creates has an owner, and every owned table exists', () => {
    const dir = join(root, 'migrations');
    const created = new Set(
      readdirSync(dir)
        .filter((f) => /^\d+-.*\.ts$/.test(f))
        .flatMap((f) => [...readFileSync(join(dir, f), 'utf8').matchAll(/create table (?:public\.)?([a-z_]+)/gi)])
        .map(([, table]) => table),
    );
    // Kept by TypeORM and by BullMQ's own migrations, not by ours.
    const external = ['typeorm_migrations', 'bullmq.*'];
    expect([...created].filter((t) => !(t in owners))).toEqual([]);
    expect(Object.keys(owners).filter((t) => !created.has(t) && !external.includes(t))).toEqual([]);
  });

  it('docs/architecture.md names each table with its owner', () => {
    const doc = readFileSync(join(root, 'docs', 'architecture.md'), 'utf8');
    const section = doc.split(/^## /m).find((s) => s.startsWith('Who owns which table'));
    expect(section).toBeDefined();
    const documented = [...section!.matchAll(/^\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|/gm)].map(([, t, o]) => [t, o]);
    expect(documented).toEqual(Object.entries(owners));
  });
});
