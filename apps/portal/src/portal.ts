import { RequestListener, createServer } from 'node:http';
import { join } from 'node:path';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { AppConfig, projectRoot } from '@openrathaus/core';
import { checkDatabaseRole, prepareDatabase } from '@openrathaus/database';
import { InstanceHeartbeat, Metrics, PinoNestLogger, createLogger } from '@openrathaus/observability';
import { TenantRegistry, TenantSync, formatFault } from '@openrathaus/tenancy';
import { MIGRATIONS } from '@openrathaus/migrations';
import { StaticAssets } from '@openrathaus/web';
import { ErrorResponder } from './http/error-responder.service';
import { MAX_BODY_BYTES, registerBodyParsers } from './http/body-parsers';
import { registerHostHooks } from './http/host.hooks';
import { LoadShedder } from './http/load-shedding';
import { readyAsset } from './http/cached-page';
import { startMetricsServer } from './http/metrics-access';
import { registerSecurityHeaders } from './http/security-headers';
import { HomePages } from './catalogue/home-pages.service';
import { PortalModule } from './portal.module';

export interface RunningPortal {
  app: NestFastifyApplication;
  config: AppConfig;
  url: string;
  close(): Promise<void>;
}

/**
 * Starts the portal: database (embedded or configured), migrations, the check of its database role,
 * tenants, HTTP server.
 */
export async function startPortal(base: AppConfig): Promise<RunningPortal> {
  const logger = createLogger(base.logLevel);
  const nestLogger = new PinoNestLogger(logger);
  Logger.overrideLogger(nestLogger);
  const database = await prepareDatabase(base, MIGRATIONS, { migrate: base.migrateOnStart });
  try {
    await checkDatabaseRole(database.config);
  } catch (error) {
    await database.stop();
    throw error;
  }
  // A copy of its own: the port taken is written into it once the server listens.
  const config = { ...database.config };
  const limits = config.limits;
  const adapter = new FastifyAdapter({
    trustProxy: config.trustProxy,
    bodyLimit: MAX_BODY_BYTES,
    // Slow clients hold a connection only so long: the headers, the whole request, an idle keep-alive.
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    serverFactory: (handler: RequestListener) => {
      const server = createServer(
        {
          headersTimeout: limits.headersTimeoutMs,
          requestTimeout: limits.requestTimeoutMs,
          // How often Node looks for requests past their time; its default (30 s) lets them linger.
          connectionsCheckingInterval: Math.min(5000, limits.headersTimeoutMs),
        },
        handler,
      );
      // Fastify sets this only on a server it makes itself.
      server.keepAliveTimeout = limits.keepAliveTimeoutMs;
      return server;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(PortalModule.forRoot(config), adapter, {
    logger: nestLogger,
    bufferLogs: true,
    // The portal parses JSON and forms itself (depth, control characters): see body-parsers.ts.
    bodyParser: false,
  });
  app.enableShutdownHooks();

  const registry = app.get(TenantRegistry);
  let skipped = false;
  if (config.syncTenantsOnStart) {
    const report = await app.get(TenantSync).syncIfChanged(config.tenantsDir);
    if ('skipped' in report) {
      skipped = true;
      logger.info({ since: report.syncedAt.toISOString() }, 'tenants unchanged since the last sync');
    } else {
      for (const t of report.tenants) for (const f of t.faults) logger.error(formatFault(f));
      for (const action of report.actions) logger.info(action);
      logger.info(
        { created: report.created.length, updated: report.updated.length, stopped: report.stopped },
        'tenants synced',
      );
    }
  }
  await registry.loadAll();
  // A broken tenant file is named at every start, also when its folder was not read again.
  if (skipped) {
    for (const t of registry.all()) {
      if (t.configError) logger.error(`Tenant ${t.slug} stopped: its configuration is broken\n${t.configError}`);
    }
  }

  // HTML forms post url-encoded (Nest parses that) or multipart when they carry a file. Multipart
  // bodies stay unread until the upload handler reads them (readUpload): a plugin that parses them
  // would add hooks that every request pays for.
  const fastify = app.getHttpAdapter().getInstance();
  fastify.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null, undefined));
  registerBodyParsers(fastify);
  registerSecurityHeaders(fastify, config);
  // Before the host hooks: the cached home page, answered there, reads the language cookie.
  await app.register(fastifyCookie);
  const shedder = new LoadShedder(limits);
  registerHostHooks(fastify, registry, app.get(ErrorResponder), app.get(Metrics), app.get(HomePages), config, shedder);
  // The layout's stylesheets under fingerprinted names, from memory, compressed; the folders
  // below serve what they link to (fonts) and the plain names.
  const assets = app.get(StaticAssets);
  for (const asset of assets.all()) {
    fastify.get(asset.url, (request, reply) => reply.send(readyAsset(request, reply, asset)));
  }
  assets.compress().catch((error: unknown) => logger.error({ err: error }, 'could not compress the static assets'));
  await app.register(fastifyStatic, {
    root: join(projectRoot(), 'node_modules', '@kern-ux', 'native', 'dist'),
    prefix: '/assets/kern/',
    maxAge: '1d',
  });
  await app.register(fastifyStatic, {
    root: join(projectRoot(), 'libs', 'web', 'assets'),
    prefix: '/assets/',
    decorateReply: false,
    maxAge: '1h',
  });

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('OpenRathaus API')
      .setDescription("JSON API of the service portals. Every call goes to a tenant's host.")
      .setVersion('1')
      .setLicense('EUPL-1.2', 'https://interoperable-europe.ec.europa.eu/collection/eupl/eupl-text-eupl-12')
      .addServer('/', "the tenant's own host (https://<domain> or http://<slug>.localhost:3000)")
      .addCookieAuth('or_citizen', { type: 'apiKey', in: 'cookie', description: 'a citizen session' }, 'citizen')
      .addCookieAuth('or_staff', { type: 'apiKey', in: 'cookie', description: 'a staff session' }, 'staff')
      .addCookieAuth('or_operator', { type: 'apiKey', in: 'cookie', description: 'an operator session' }, 'operator')
      .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' }, 'metrics')
      .build(),
  );
  // What an operation does not say otherwise: no session needed.
  document.security = [{}];
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  await app.listen(config.port, config.host);
  const server = app.getHttpServer();
  // Past this many open connections a new one is closed at once: memory stays bounded under a flood.
  server.maxConnections = limits.maxConnections;
  const metricsServer =
    config.metricsPort !== undefined
      ? await startMetricsServer(config.metricsPort, config.host, app.get(Metrics))
      : undefined;
  const metricsAddress = metricsServer?.address();
  if (metricsAddress && typeof metricsAddress === 'object') config.metricsPort = metricsAddress.port;
  const address = server.address();
  // Port 0 asks for any free port: record the one taken, so that links between portals name it.
  config.port = typeof address === 'object' && address ? address.port : config.port;
  const port = config.port;
  // From now on the operator console sees this instance, with its version and start.
  await app.get(InstanceHeartbeat).start('portal');
  // Sampled from here on: the start's own work (modules, tenants, templates, in embedded mode the
  // database and its worker on this thread) held the loop for seconds, and that late sample,
  // taken as the loop came free, refused the first requests after the start.
  shedder.start();
  return {
    app,
    config,
    url: `http://localhost:${port}`,
    async close() {
      shedder.stop();
      if (metricsServer) await new Promise((resolve) => metricsServer.close(resolve));
      await app.close();
      await database.stop();
    },
  };
}
