import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { CoreError, CoreErrorCode } from '../errors/core.error';

/** What a request or a job carries through its async calls. */
export interface RequestContext {
  correlationId: string;
  tenantId?: string;
  tenantSlug?: string;
  locale?: string;
}

const storage = new AsyncLocalStorage<RequestContext>();

/** Runs `fn` inside a context; everything it awaits sees the same context. */
export function runInContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

/** The current context, or undefined outside any request or job. */
export function findContext(): RequestContext | undefined {
  return storage.getStore();
}

/** The current context; throws outside a request or job. */
export function currentContext(): RequestContext {
  const context = storage.getStore();
  if (!context) throw new CoreError(CoreErrorCode.NoContext);
  return context;
}

/** The tenant of the current request or job; throws when there is none. */
export function currentTenantId(): string {
  const tenantId = storage.getStore()?.tenantId;
  if (!tenantId) throw new CoreError(CoreErrorCode.NoContext, { what: 'tenant' });
  return tenantId;
}

export const newCorrelationId = (): string => randomUUID();
