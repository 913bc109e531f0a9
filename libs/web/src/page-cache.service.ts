import { Injectable } from '@nestjs/common';

export interface CachedPage {
  /** Encoded once, so that no answer encodes it again. */
  html: Buffer;
  etag: string;
}

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
    this.bytes += page.html.length;
    while (this.bytes > MAX_BYTES || this.pages.size > MAX_ENTRIES) {
      const oldest = this.pages.keys().next().value;
      if (oldest === undefined) break;
      this.remove(oldest);
    }
  }

  dropTenant(tenantKey: string): void {
    const prefix = `${tenantKey}\u0000`;
    for (const key of this.pages.keys()) if (key.startsWith(prefix)) this.remove(key);
  }

  get size(): number {
    return this.pages.size;
  }

  private remove(key: string): void {
    const page = this.pages.get(key);
    if (!page) return;
    this.pages.delete(key);
    this.bytes -= page.html.length;
  }
}
