import { Injectable, Logger } from '@nestjs/common';
import { ContentEncoding, EncodedBody, compressedForm } from './page-encoding';

export interface CachedPage {
  /** Encoded once, so that no answer encodes it again. */
  html: Buffer;
  etag: string;
  /**
   * Brotli and gzip forms, each with its own ETag: each made once, in the background, when a
   * client that accepts it first asks for the cached answer ({@link CachedPage.want}); until it is
   * there (and for an answer too small to gain) the plain bytes are sent.
   */
  br?: EncodedBody;
  gzip?: EncodedBody;
  /** Asks the cache for a compressed form the answer lacks; set while the answer is cached. */
  want?: (encoding: ContentEncoding) => void;
}

/** The bytes a page holds in the cache, with its compressed forms. */
const sizeOf = (page: CachedPage): number =>
  page.html.length + (page.br?.body.length ?? 0) + (page.gzip?.body.length ?? 0);

/** What the cache may hold at most: bytes of HTML and pages. */
const MAX_BYTES = 256 * 1024 * 1024;
const MAX_ENTRIES = 100_000;

/**
 * Pages that are the same for every anonymous visitor, per tenant, language and path. Dropped
 * whole for a tenant when it changes; bounded in bytes and pages so that many tenants cannot
 * exhaust memory, the least recently used going first (a busy home page stays).
 */
@Injectable()
export class PageCache {
  private readonly logger = new Logger('PageCache');
  private readonly pages = new Map<string, CachedPage>();
  private bytes = 0;

  get(tenantKey: string, locale: string, path: string): CachedPage | undefined {
    const key = `${tenantKey}\u0000${locale}\u0000${path}`;
    const page = this.pages.get(key);
    if (page) {
      // Moved to the end: the map's order is the order of last use.
      this.pages.delete(key);
      this.pages.set(key, page);
    }
    return page;
  }

  set(tenantKey: string, locale: string, path: string, page: CachedPage): void {
    const key = `${tenantKey}\u0000${locale}\u0000${path}`;
    this.remove(key);
    this.pages.set(key, page);
    this.bytes += sizeOf(page);
    this.evict();
    if (!page.br && !page.gzip) {
      const asked = new Set<ContentEncoding>();
      page.want = (encoding) => {
        // Once per form: one that failed or came out no smaller is not tried again.
        if (asked.has(encoding) || this.pages.get(key) !== page) return;
        asked.add(encoding);
        this.compress(key, page, encoding);
      };
    }
  }

  dropTenant(tenantKey: string): void {
    const prefix = `${tenantKey}\u0000`;
    for (const key of this.pages.keys()) if (key.startsWith(prefix)) this.remove(key);
  }

  /** Drops every page, of every tenant. */
  clear(): void {
    this.pages.clear();
    this.bytes = 0;
  }

  get size(): number {
    return this.pages.size;
  }

  private remove(key: string): void {
    const page = this.pages.get(key);
    if (!page) return;
    this.pages.delete(key);
    this.bytes -= sizeOf(page);
  }

  private evict(): void {
    while (this.bytes > MAX_BYTES || this.pages.size > MAX_ENTRIES) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  /** Adds a compressed form of the page once it is made, counting its bytes while the page is cached. */
  private compress(key: string, page: CachedPage, encoding: ContentEncoding): void {
    compressedForm(encoding, page.html, page.etag).then(
      (form) => {
        const cached = this.pages.get(key) === page;
        if (!cached || !form) return;
        this.bytes -= sizeOf(page);
        page[encoding] = form;
        this.bytes += sizeOf(page);
        this.evict();
      },
      // The plain bytes go on being sent; compression failing says something is wrong with the process.
      (error: unknown) => this.logger.error(`could not compress a cached answer: ${String(error)}`),
    );
  }
}
