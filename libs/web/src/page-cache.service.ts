import { Injectable } from '@nestjs/common';

export interface CachedPage {
  /** Encoded once, so that no answer encodes it again. */
  html: Buffer;
  etag: string;
}

/**
 * Pages that are the same for every anonymous visitor, per tenant, language and path. Dropped
 * whole for a tenant when it changes; bounded so that many tenants cannot exhaust memory.
 */
@Injectable()
export class PageCache {
  private readonly pages = new Map<string, CachedPage>();
  private readonly maxEntries = 20_000;

  get(tenantKey: string, locale: string, path: string): CachedPage | undefined {
    return this.pages.get(`${tenantKey}\u0000${locale}\u0000${path}`);
  }

  set(tenantKey: string, locale: string, path: string, page: CachedPage): void {
    if (this.pages.size >= this.maxEntries) {
      const oldest = this.pages.keys().next().value;
      if (oldest !== undefined) this.pages.delete(oldest);
    }
    this.pages.set(`${tenantKey}\u0000${locale}\u0000${path}`, page);
  }

  dropTenant(tenantKey: string): void {
    const prefix = `${tenantKey}\u0000`;
    for (const key of this.pages.keys()) if (key.startsWith(prefix)) this.pages.delete(key);
  }

  get size(): number {
    return this.pages.size;
  }
}
