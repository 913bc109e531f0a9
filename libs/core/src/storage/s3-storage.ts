import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';
import { randomUUID } from 'node:crypto';
import {
  CopyObjectCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  NoSuchKey,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import type { ObjectStorageSettings } from '../config/app-config';
import { FileStorage, assertStorageKey } from './file-storage';

/**
 * Files in an S3-compatible object store (AWS S3, MinIO, Ceph RGW, the cloud providers' S3 APIs),
 * one object per key below an optional prefix. Every replica on every machine sees the same files
 * without a shared volume.
 *
 * An object appears whole or not at all: `put` sends the bytes with their length (and, by default,
 * their checksum) to a staging key and copies them to their key inside the store only once all
 * arrived, so a cut-off upload never shows under the key, even on stores that keep what arrived of
 * a request cut off on the way. `get` refuses a body that ends early.
 */
export class S3Storage implements FileStorage {
  private readonly client: S3Client;

  constructor(private readonly settings: ObjectStorageSettings) {
    const checksums = settings.checksums === 'when_required' ? 'WHEN_REQUIRED' : 'WHEN_SUPPORTED';
    this.client = new S3Client({
      region: settings.region,
      endpoint: settings.endpoint,
      forcePathStyle: settings.forcePathStyle,
      credentials:
        settings.accessKeyId && settings.secretAccessKey
          ? { accessKeyId: settings.accessKeyId, secretAccessKey: settings.secretAccessKey }
          : undefined,
      requestChecksumCalculation: checksums,
      responseChecksumValidation: checksums,
      maxAttempts: settings.maxAttempts,
    });
  }

  async put(key: string, bytes: Buffer): Promise<void> {
    const target = this.objectKey(key);
    // Uploaded beside and copied into place inside the store, so that the key never names part of
    // a file: S3 keeps nothing of a PutObject cut off on the way, but some compatible stores keep
    // what arrived, and may still be writing it when the client has given up. Such a remainder stays
    // below `staging/`, which the bucket's lifecycle rule empties (docs/scaling.md).
    const staging = this.settings.prefix
      ? `${this.settings.prefix}/staging/${randomUUID()}`
      : `staging/${randomUUID()}`;
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.settings.bucket,
        Key: staging,
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: 'application/octet-stream',
      }),
    );
    try {
      await this.client.send(
        new CopyObjectCommand({
          Bucket: this.settings.bucket,
          Key: target,
          CopySource: `${this.settings.bucket}/${staging}`,
        }),
      );
    } finally {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: staging }));
    }
  }

  async get(key: string): Promise<Buffer | undefined> {
    let answer;
    try {
      answer = await this.client.send(new GetObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
    } catch (error) {
      if (error instanceof NoSuchKey) return undefined;
      if (error instanceof S3ServiceException && error.$metadata.httpStatusCode === 404) return undefined;
      throw error;
    }
    if (!answer.Body) throw new Error(`object storage: no body for ${key}`);
    const bytes = await collect(answer.Body as Readable);
    if (answer.ContentLength !== undefined && bytes.length !== answer.ContentLength) {
      throw new Error(`object storage: ${key} ended after ${bytes.length} of ${answer.ContentLength} bytes`);
    }
    return bytes;
  }

  async delete(key: string): Promise<void> {
    // S3 answers a delete of a missing key with success, as the disk strategy does.
    await this.client.send(new DeleteObjectCommand({ Bucket: this.settings.bucket, Key: this.objectKey(key) }));
  }

  /** Closes the client's kept-alive connections when the application stops. */
  onApplicationShutdown(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    assertStorageKey(key);
    return this.settings.prefix ? `${this.settings.prefix}/${key}` : key;
  }
}

/** The whole body of a response stream; a stream error or a connection cut mid-body rejects. */
async function collect(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  body.on('data', (chunk: Buffer) => chunks.push(chunk));
  await finished(body);
  return Buffer.concat(chunks);
}
