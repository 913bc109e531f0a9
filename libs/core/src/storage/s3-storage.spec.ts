import { mkdtempSync, rmSync } from 'node:fs';
import { AddressInfo, Server, Socket, createConnection, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import S3rver from 's3rver';
import { ObjectStorageSettings, loadConfig } from '../config/app-config';
import { CoreError } from '../errors/core.error';
import { S3Storage } from './s3-storage';

const BUCKET = 'openrathaus-files';

/**
 * Between client and store: passes `limit` bytes of each request (or answer) and then cuts the
 * connection, like a network that fails in the middle of an upload (or download).
 */
async function startCuttingProxy(target: number, cut: { request?: number; answer?: number }): Promise<Server> {
  const server = createServer((client: Socket) => {
    const upstream = createConnection({ host: '127.0.0.1', port: target });
    const cutBoth = (): void => {
      client.destroy();
      upstream.destroy();
    };
    client.on('error', cutBoth);
    upstream.on('error', cutBoth);
    let sent = 0;
    client.on('data', (chunk: Buffer) => {
      if (cut.request !== undefined && sent + chunk.length > cut.request) {
        upstream.write(chunk.subarray(0, cut.request - sent), cutBoth);
        return;
      }
      sent += chunk.length;
      upstream.write(chunk);
    });
    let answered = 0;
    upstream.on('data', (chunk: Buffer) => {
      if (cut.answer !== undefined && answered + chunk.length > cut.answer) {
        client.write(chunk.subarray(0, cut.answer - answered), cutBoth);
        return;
      }
      answered += chunk.length;
      client.write(chunk);
    });
    client.on('end', () => upstream.end());
    upstream.on('end', () => client.end());
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

const portOf = (server: Server): number => (server.address() as AddressInfo).port;

// Each test talks to a real S3-compatible server over HTTP: on a busy machine that takes more than Jest's 5 s.
jest.setTimeout(60_000);

describe('S3Storage against an S3-compatible store (s3rver)', () => {
  let dir: string;
  let s3rver: S3rver;
  let port: number;
  const stores: S3Storage[] = [];
  const proxies: Server[] = [];

  const storage = (over: Partial<ObjectStorageSettings> & { port?: number } = {}): S3Storage => {
    const store = new S3Storage({
      bucket: BUCKET,
      region: 'eu-central-1',
      endpoint: `http://127.0.0.1:${over.port ?? port}`,
      forcePathStyle: true,
      accessKeyId: 'S3RVER',
      secretAccessKey: 'S3RVER',
      prefix: '',
      // s3rver predates the SDK's default CRC checksums.
      checksums: 'when_required',
      maxAttempts: 2,
      ...over,
    });
    stores.push(store);
    return store;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'or-s3rver-'));
    s3rver = new S3rver({
      address: '127.0.0.1',
      port: 0,
      silent: true,
      directory: dir,
      configureBuckets: [{ name: BUCKET }],
    });
    const address = await s3rver.run();
    port = address.port;
  });

  afterAll(async () => {
    for (const store of stores) store.onApplicationShutdown();
    await Promise.all(proxies.map((p) => new Promise((resolve) => p.close(resolve))));
    await s3rver.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps, returns and deletes bytes under a key', async () => {
    const store = storage();
    const bytes = randomBytes(300_000);
    await store.put('t1/attachments/a', bytes);
    expect((await store.get('t1/attachments/a'))?.equals(bytes)).toBe(true);
    // The staging copy the upload went through is gone.
    const client = new S3Client({
      region: 'eu-central-1',
      endpoint: `http://127.0.0.1:${port}`,
      forcePathStyle: true,
      credentials: { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' },
    });
    const listed = await client.send(new ListObjectsV2Command({ Bucket: BUCKET, Prefix: 'staging/' }));
    client.destroy();
    expect(listed.KeyCount ?? 0).toBe(0);
    await store.delete('t1/attachments/a');
    expect(await store.get('t1/attachments/a')).toBeUndefined();
    await expect(store.delete('t1/attachments/a')).resolves.toBeUndefined();
  });

  it('answers undefined for a key it does not keep, and refuses keys the platform does not make', async () => {
    const store = storage();
    expect(await store.get('t1/attachments/never')).toBeUndefined();
    await expect(store.put('../outside', Buffer.from('x'))).rejects.toThrow(/invalid storage key/);
    await expect(store.get('t1/../../etc')).rejects.toThrow(/invalid storage key/);
  });

  it('puts the keys of an installation below its prefix', async () => {
    await storage({ prefix: 'city-a' }).put('t1/documents/d', Buffer.from('pdf'));
    expect(await storage().get('city-a/t1/documents/d')).toEqual(Buffer.from('pdf'));
    expect(await storage().get('t1/documents/d')).toBeUndefined();
  });

  it('leaves nothing behind when an upload is cut off', async () => {
    const proxy = await startCuttingProxy(port, { request: 64 * 1024 });
    proxies.push(proxy);
    const cut = storage({ port: portOf(proxy) });
    await expect(cut.put('t1/attachments/cut', randomBytes(1024 * 1024))).rejects.toThrow();
    expect(await storage().get('t1/attachments/cut')).toBeUndefined();
    // And a whole upload through the same path afterwards lands under its key alone.
    await storage().put('t1/attachments/whole', Buffer.from('whole'));
    expect(await storage().get('t1/attachments/whole')).toEqual(Buffer.from('whole'));
  });

  it('refuses a download that is cut off rather than returning part of the file', async () => {
    await storage().put('t1/documents/long', randomBytes(1024 * 1024));
    const proxy = await startCuttingProxy(port, { answer: 200 * 1024 });
    proxies.push(proxy);
    await expect(storage({ port: portOf(proxy) }).get('t1/documents/long')).rejects.toThrow();
  });
});

describe('FILE_STORAGE in the configuration', () => {
  it('keeps files on local disk unless told otherwise', () => {
    expect(loadConfig({ NODE_ENV: 'test' }).objectStorage).toBeUndefined();
  });

  it('reads the object store of FILE_STORAGE=s3', () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      FILE_STORAGE: 's3',
      S3_BUCKET: 'files.example',
      S3_ENDPOINT: 'https://s3.example.org',
      S3_ACCESS_KEY_ID: 'id',
      S3_SECRET_ACCESS_KEY: 'secret',
      S3_PREFIX: '/portal/',
      S3_CHECKSUMS: 'WHEN_REQUIRED',
    });
    expect(config.objectStorage).toEqual({
      bucket: 'files.example',
      region: 'eu-central-1',
      endpoint: 'https://s3.example.org',
      forcePathStyle: true,
      accessKeyId: 'id',
      secretAccessKey: 'secret',
      prefix: 'portal',
      checksums: 'when_required',
      maxAttempts: 3,
    });
  });

  it.each([
    [{ FILE_STORAGE: 'ftp' }, 'FILE_STORAGE'],
    [{ FILE_STORAGE: 's3' }, 'S3_BUCKET'],
    [{ FILE_STORAGE: 's3', S3_BUCKET: 'Bad_Bucket' }, 'S3_BUCKET'],
    [{ FILE_STORAGE: 's3', S3_BUCKET: 'files', S3_ACCESS_KEY_ID: 'id' }, 'S3_SECRET_ACCESS_KEY'],
    [{ FILE_STORAGE: 's3', S3_BUCKET: 'files', S3_CHECKSUMS: 'never' }, 'S3_CHECKSUMS'],
    [{ FILE_STORAGE: 's3', S3_BUCKET: 'files', S3_ENDPOINT: 'ftp://x' }, 'S3_ENDPOINT'],
  ])('refuses %j, naming %s', (env, field) => {
    try {
      loadConfig({ NODE_ENV: 'test', ...env });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(CoreError);
      expect((error as CoreError).params).toMatchObject({ field });
    }
  });
});
