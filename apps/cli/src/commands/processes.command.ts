import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, relative, resolve } from 'node:path';
import { INestApplicationContext } from '@nestjs/common';
import { Command } from 'commander';
import {
  DefinitionPublisher,
  ProcessDefinition,
  definitionContext,
  diffDefinitions,
  formatChanges,
  formatDefinitionFault,
  parseDefinition,
  parseRef,
} from '@openrathaus/catalog';
import { importXdf } from '@openrathaus/forms';
import { TenantRegistry } from '@openrathaus/tenancy';
import { CliContext } from '../cli-context';
import { countFields, draftFromXdf, draftYaml } from './xdf-draft';

/** The tenant a `tenants/<owner>/processes/<key>/<file>` path belongs to. */
function ownerOfPath(file: string): string | undefined {
  const parts = resolve(file).split(/[\\/]/);
  const at = parts.lastIndexOf('processes');
  return at > 0 ? parts[at - 1] : undefined;
}

async function tenantId(app: INestApplicationContext, slug: string): Promise<string> {
  const registry = app.get(TenantRegistry);
  await registry.loadAll();
  const tenant = registry.get(slug);
  if (!tenant) throw new Error(`unknown tenant "${slug}" / unbekannter Mandant "${slug}"`);
  return tenant.id;
}

/** A definition named by a file path (read from disk) or by `owner/key@version` (read from the database). */
async function loadEither(app: INestApplicationContext, what: string): Promise<ProcessDefinition> {
  if (/\.ya?ml$/.test(what)) {
    const file = relative(process.cwd(), resolve(what));
    const loaded = parseDefinition(
      readFileSync(what, 'utf8'),
      { file, owner: ownerOfPath(what) ?? '', key: basename(dirname(resolve(what))) },
      definitionContext(),
    );
    if (!loaded.definition) throw new Error(loaded.faults.map(formatDefinitionFault).join('\n'));
    return loaded.definition;
  }
  const { owner } = parseRef(what);
  return app.get(DefinitionPublisher).load(await tenantId(app, owner), what);
}

/** `processes publish|diff|import-xdf|usage|versions`. */
export function processesCommands(program: Command, { io, withApp, setExitCode }: CliContext): void {
  const processes = program.command('processes').description('process definitions ("Einer für Alle")');

  processes
    .command('publish <file>')
    .description('validate and publish one definition version; adopters whose range matches move to it')
    .option('--owner <slug>', 'the authoring tenant (default: from the path tenants/<owner>/processes/…)')
    .action(async (file: string, options: { owner?: string }) => {
      const owner = options.owner ?? ownerOfPath(file);
      if (!owner) {
        io.err(`${file}: the owner is unknown; pass --owner / der Eigentümer ist unbekannt; bitte --owner angeben`);
        return setExitCode(1);
      }
      const result = await withApp(async (app) => {
        const id = await tenantId(app, owner);
        const key = ownerOfPath(file) ? basename(dirname(resolve(file))) : undefined;
        return app
          .get(DefinitionPublisher)
          .publish(
            { id, slug: owner },
            readFileSync(file, 'utf8'),
            { file: relative(process.cwd(), resolve(file)), key },
            'cli',
          );
      });
      io.out(
        result.published
          ? `published ${result.ref}@${result.version}; adopters brought up to date by a job each: ${result.adopters.join(', ') || 'none'}`
          : `${result.ref}@${result.version} is already published with this content`,
      );
    });

  processes
    .command('diff <a> <b>')
    .description('what changed between two versions (owner/key@1.1.0 or a file path each)')
    .action(async (a: string, b: string) => {
      const changes = await withApp(async (app) => diffDefinitions(await loadEither(app, a), await loadEither(app, b)));
      for (const line of formatChanges(changes)) io.out(line);
      io.out(`${changes.length} changes`);
    });

  processes
    .command('import-xdf <file>')
    .description('turn an XDatenfelder 2.0 or 3.0.0 schema into a draft definition (YAML on stdout or --out)')
    .option('--key <key>', 'the key of the new definition (default: from the schema name)')
    .option('--out <file>', 'write the draft here, e.g. tenants/<owner>/processes/<key>/draft.yaml')
    .action((file: string, options: { key?: string; out?: string }) => {
      const result = importXdf(readFileSync(file, 'utf8'));
      const where = relative(process.cwd(), resolve(file));
      if (!result.ok) {
        for (const fault of result.faults) io.err(`${where}: ${fault.path}: ${fault.reason.en} / ${fault.reason.de}`);
        const n = result.faults.length;
        io.err(`${n} ${n === 1 ? 'fault' : 'faults'}; nothing imported / ${n} Fehler; nichts importiert`);
        return setExitCode(1);
      }
      for (const warning of result.warnings) {
        io.err(`${where}: ${warning.path}: ${warning.reason.en} / ${warning.reason.de}`);
      }
      const draft = draftFromXdf(result.value, options.key);
      const text = draftYaml(draft, result.value, where);
      // The draft must pass the same checks a definition passes, so that its author starts from sound ground.
      const check = parseDefinition(
        text,
        { file: options.out ?? 'draft', owner: '', version: 'draft' },
        definitionContext(),
      );
      for (const fault of check.faults) io.err(formatDefinitionFault(fault));
      if (options.out) {
        mkdirSync(dirname(resolve(options.out)), { recursive: true });
        writeFileSync(options.out, text);
        io.out(`draft written to ${options.out}: ${countFields(draft)} fields on ${draft.form.pages.length} pages`);
      } else {
        io.out(text.trimEnd());
      }
      if (check.faults.length) setExitCode(1);
    });

  processes
    .command('usage <ref>')
    .description('which tenants use which version of owner/key')
    .action(async (ref: string) => {
      const rows = await withApp(async (app) =>
        app.get(DefinitionPublisher).usage(await tenantId(app, parseRef(ref).owner), ref),
      );
      io.out(['tenant', 'version', 'range'].join('\t'));
      for (const row of rows) io.out([row.tenant, row.version, row.range].join('\t'));
      io.out(`${rows.length} tenants`);
    });

  processes
    .command('versions <ref>')
    .description('the published versions of owner/key')
    .action(async (ref: string) => {
      const { owner, key } = parseRef(ref);
      const rows = await withApp(async (app) =>
        app.get(DefinitionPublisher).versions(await tenantId(app, owner), owner, key),
      );
      for (const row of rows) io.out([row.version, row.visibility, new Date(row.publishedAt).toISOString()].join('\t'));
    });
}
