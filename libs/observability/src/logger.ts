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

/** Nest's logger interface on pino, so framework messages are JSON too. */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, context?: string): void {
    // Nest's start-up chatter (modules loaded, routes mapped) is for debugging only.
    this.write(context && QUIET.has(context) ? 'debug' : 'info', message, context);
  }
  error(message: unknown, trace?: string, context?: string): void {
    this.write('error', message, context, trace);
  }
  warn(message: unknown, context?: string): void {
    this.write('warn', message, context);
  }
  debug(message: unknown, context?: string): void {
    this.write('debug', message, context);
  }
  verbose(message: unknown, context?: string): void {
    this.write('trace', message, context);
  }

  private write(level: pino.Level, message: unknown, context?: string, trace?: string): void {
    if (message !== null && typeof message === 'object') {
      this.logger[level]({ context, trace, ...message });
    } else {
      this.logger[level]({ context, trace }, String(message));
    }
  }
}
