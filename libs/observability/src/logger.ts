import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';
import { findContext } from '@openrathaus/core';

/**
 * JSON logs; every line written inside a request or job carries its tenant and correlation id,
 * taken from the context rather than passed around.
 */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'openrathaus' },
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    mixin() {
      const context = findContext();
      return context ? { tenant: context.tenantSlug ?? context.tenantId, requestId: context.correlationId } : {};
    },
  });
}

const QUIET = new Set(['InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestFactory', 'NestApplication']);

/**
 * Nest's logger interface on pino, so framework messages are JSON too. Nest hands the logger's
 * context (the class that logs) over as the last parameter. The code logs in pino's order,
 * `logger.warn({ fields }, 'what happened')`, or a message alone; Nest's own `error(message,
 * stack)` gives the stack second.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...params: unknown[]): void {
    const context = lastString(params);
    // Nest's start-up chatter (modules loaded, routes mapped) is for debugging only.
    this.write(context && QUIET.has(context) ? 'debug' : 'info', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    // Nest passes `[stack or undefined, context]` from a logger with a context, `[stack]` without.
    this.write('error', message, params, params.length === 1 && typeof message === 'string');
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('trace', message, params);
  }

  /** `params`: what the call gave after the message, the context last; `noContext`: none was given. */
  private write(level: pino.Level, message: unknown, params: unknown[], noContext = false): void {
    const context = noContext ? undefined : lastString(params);
    const rest = noContext || context === undefined ? params : params.slice(0, -1);
    const second = typeof rest[0] === 'string' ? rest[0] : undefined;
    if (message instanceof Error) {
      this.logger[level]({ context, err: message }, second ?? message.message);
    } else if (message !== null && typeof message === 'object') {
      this.logger[level]({ context, ...message }, second);
    } else {
      // A string after a string message is the stack Nest's error() hands over.
      this.logger[level]({ context, trace: second }, String(message));
    }
  }
}

const lastString = (params: unknown[]): string | undefined => {
  const last = params.at(-1);
  return typeof last === 'string' ? last : undefined;
};
