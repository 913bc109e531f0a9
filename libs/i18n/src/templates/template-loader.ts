import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { I18nError, I18nErrorCode } from '../i18n.error';

export type TemplateDelegate = Handlebars.TemplateDelegate;
export type HelperDelegate = Handlebars.HelperDelegate;
export type HelperOptions = Handlebars.HelperOptions;
export type CompileOptions = Pick<CompileOptionsAll, 'noEscape' | 'strict'>;
type CompileOptionsAll = NonNullable<Parameters<typeof Handlebars.compile>[1]>;

/** What every environment of one loader shares. */
export interface TemplateSetup {
  /** The platform's folders of templates, searched in order after an overlay's. */
  dirs: string[];
  /** Folders whose `*.hbs` files become partials (named by file); a later folder's file wins. */
  partialDirs?: string[];
  helpers?: Record<string, HelperDelegate>;
  /** Options of templates compiled from files; `compile` takes its own. */
  compileOptions?: CompileOptions;
  /** Looks at a file's modification time on each use, so that a changed file is read again without a restart. */
  reload?: boolean;
}

/** A tenant's overlay: folders searched before the platform's, partials that replace the platform's. */
export interface TemplateOverlay {
  /** Names the compiled overlay, for {@link TemplateLoader.drop}. */
  key: string;
  dirs: string[];
  partialDirs?: string[];
}

/** A value a template shows as it is: HTML made by code that escaped everything in it. */
export const trustedHtml = (html: string): unknown => new Handlebars.SafeString(html);

const readPartials = (dir: string): [string, string][] =>
  existsSync(dir)
    ? readdirSync(dir)
        .filter((f) => f.endsWith('.hbs'))
        .map((f) => [f.slice(0, -4), readFileSync(join(dir, f), 'utf8')])
    : [];

/**
 * One Handlebars environment (never the global instance; prototype access stays off): its
 * helpers and partials, its folders, its compiled templates.
 */
export class TemplateEnvironment {
  private readonly hbs = Handlebars.create();
  private readonly files = new Map<string, { path: string; mtimeMs: number; value: unknown }>();
  private readonly sources = new Map<string, TemplateDelegate>();

  constructor(
    private readonly dirs: readonly string[],
    partialDirs: readonly string[],
    private readonly setup: TemplateSetup,
  ) {
    for (const [name, helper] of Object.entries(setup.helpers ?? {})) this.hbs.registerHelper(name, helper);
    for (const [name, text] of partialDirs.flatMap(readPartials)) this.hbs.registerPartial(name, text);
  }

  /** The file found first along the folders, compiled; undefined when no folder has it. */
  file(name: string): TemplateDelegate | undefined {
    return this.load(name, (source) => this.hbs.compile(source, this.setup.compileOptions ?? {}));
  }

  /** Like {@link file}, but fails when no folder has it. */
  required(name: string): TemplateDelegate {
    const template = this.file(name);
    if (!template) throw new I18nError(I18nErrorCode.TemplateNotFound, { name });
    return template;
  }

  /** The file found first along the folders, made into a value by `make` (given the source and a compiler). */
  load<T>(
    name: string,
    make: (source: string, compile: (source: string, options?: CompileOptions) => TemplateDelegate, path: string) => T,
  ): T | undefined {
    const cached = this.files.get(name);
    if (cached && !this.setup.reload) return cached.value as T;
    const found = this.find(name);
    if (!found) return undefined;
    if (cached && cached.path === found.path && cached.mtimeMs === found.mtimeMs) return cached.value as T;
    const value = make(
      readFileSync(found.path, 'utf8'),
      (source, options) => this.hbs.compile(source, options ?? this.setup.compileOptions ?? {}),
      found.path,
    );
    this.files.set(name, { ...found, value });
    return value;
  }

  /** A template from source text (not a file), compiled once per text and options. */
  compile(source: string, options: CompileOptions = this.setup.compileOptions ?? {}): TemplateDelegate {
    const key = `${options.noEscape ? 1 : 0}${options.strict ? 1 : 0}${source}`;
    let template = this.sources.get(key);
    if (!template) {
      template = this.hbs.compile(source, options);
      this.sources.set(key, template);
    }
    return template;
  }

  private find(name: string): { path: string; mtimeMs: number } | undefined {
    for (const dir of this.dirs) {
      const path = join(dir, name);
      if (!this.setup.reload) {
        if (existsSync(path)) return { path, mtimeMs: 0 };
        continue;
      }
      try {
        return { path, mtimeMs: statSync(path).mtimeMs };
      } catch {
        // not in this folder
      }
    }
    return undefined;
  }
}

/**
 * Templates with tenant overlays, for pages, mails and documents alike: one environment for the
 * platform and one per overlay that has a folder, compiled templates cached per environment.
 */
export class TemplateLoader {
  private base: TemplateEnvironment | undefined;
  private readonly overlays = new Map<string, TemplateEnvironment>();
  private readonly partialDirs: string[];

  constructor(private readonly setup: TemplateSetup) {
    this.partialDirs = [...(setup.partialDirs ?? [])];
  }

  /** Adds a folder of partials (a lib registering its own); environments are made again. */
  addPartials(dir: string): void {
    if (this.partialDirs.includes(dir)) return;
    this.partialDirs.push(dir);
    this.base = undefined;
    this.overlays.clear();
  }

  /** The environment of an overlay, or the platform's when there is none or its folders do not exist. */
  environment(overlay?: TemplateOverlay): TemplateEnvironment {
    this.base ??= new TemplateEnvironment(this.setup.dirs, this.partialDirs, this.setup);
    if (!overlay) return this.base;
    const cached = this.overlays.get(overlay.key);
    if (cached) return cached;
    const partialDirs = overlay.partialDirs ?? [];
    if (![...overlay.dirs, ...partialDirs].some((dir) => existsSync(dir))) {
      // With reload on, a folder made later is still found.
      if (!this.setup.reload) this.overlays.set(overlay.key, this.base);
      return this.base;
    }
    const env = new TemplateEnvironment(
      [...overlay.dirs, ...this.setup.dirs],
      [...this.partialDirs, ...partialDirs],
      this.setup,
    );
    this.overlays.set(overlay.key, env);
    return env;
  }

  /** Forgets an overlay's environment, after its templates or configuration changed. */
  drop(key: string): void {
    this.overlays.delete(key);
  }
}
