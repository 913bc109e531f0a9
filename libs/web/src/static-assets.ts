import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '@openrathaus/core';
import { CachedPage } from './page-cache.service';
import { compressedForms } from './page-encoding';

/** A stylesheet or script the layout links to, under a name that changes with its content. */
export interface StaticAsset {
  /** The name templates use, e.g. `/assets/app.css`. */
  path: string;
  /** The fingerprinted URL served, e.g. `/assets/app.3f2a9c1be0.css`. */
  url: string;
  type: string;
  /** Its bytes and ETag, and its Brotli and gzip forms once made. */
  page: CachedPage;
}

const TYPES: Record<string, string> = {
  css: 'text/css; charset=utf-8',
  js: 'text/javascript; charset=utf-8',
};

/** The assets of the platform's layout: the KERN design system's stylesheets and the portal's own. */
const PLATFORM_ASSETS = (): { path: string; file: string }[] => {
  const kern = join(projectRoot(), 'node_modules', '@kern-ux', 'native', 'dist');
  return [
    { path: '/assets/kern/kern.min.css', file: join(kern, 'kern.min.css') },
    { path: '/assets/kern/fonts/fira-sans.css', file: join(kern, 'fonts', 'fira-sans.css') },
    { path: '/assets/app.css', file: join(projectRoot(), 'libs', 'web', 'assets', 'app.css') },
  ];
};

/**
 * Fingerprinted assets: each is read once, named by a hash of its bytes (in the same folder, so
 * that the relative URLs inside a stylesheet still resolve) and kept in memory with its
 * compressed forms. A name that changes whenever the content does can be cached for a year
 * (`immutable`); the templates link to it with `{{asset "/assets/app.css"}}`.
 */
export class StaticAssets {
  private readonly byPath = new Map<string, StaticAsset>();

  constructor(files: { path: string; file: string }[]) {
    for (const { path, file } of files) {
      const body = readFileSync(file);
      const hash = createHash('sha256').update(body).digest('hex').slice(0, 12);
      const dot = path.lastIndexOf('.');
      const extension = path.slice(dot + 1);
      const asset: StaticAsset = {
        path,
        url: `${path.slice(0, dot)}.${hash}.${extension}`,
        type: TYPES[extension] ?? 'application/octet-stream',
        page: { html: body, etag: `"${hash}"` },
      };
      this.byPath.set(path, asset);
    }
  }

  /** The fingerprinted URL of an asset; a path that names none stays as it is. */
  url(path: string): string {
    return this.byPath.get(path)?.url ?? path;
  }

  all(): StaticAsset[] {
    return [...this.byPath.values()];
  }

  /** Makes the compressed forms of every asset (in libuv's thread pool); the plain bytes serve meanwhile. */
  async compress(): Promise<void> {
    await Promise.all(
      this.all().map(async (asset) => {
        const forms = await compressedForms(asset.page.html, asset.page.etag);
        asset.page.br = forms.br;
        asset.page.gzip = forms.gzip;
      }),
    );
  }
}

let platform: StaticAssets | undefined;

/** The platform's assets, read at first use. */
export const platformAssets = (): StaticAssets => (platform ??= new StaticAssets(PLATFORM_ASSETS()));
