import { Socket, connect } from 'node:net';
import { get } from '@openrathaus/testing';

/** What became of a raw request: the answer's status line (if any) and whether the server closed. */
export interface RawOutcome {
  status: number | undefined;
  text: string;
  closedByServer: boolean;
}

export interface RawOptions {
  /** Bytes sent in pieces, with a pause after each; the last piece is followed by `then`. */
  pieces?: Buffer[];
  pauseMs?: number;
  /** After the last piece: wait for the answer, half-close, or cut the connection. */
  then?: 'wait' | 'end' | 'destroy';
  /** How long to wait for the server at most (the test's own bound, not an assertion on time). */
  boundMs?: number;
}

/**
 * Sends bytes as they are over a socket of its own: malformed, cut off, slow or abandoned requests
 * that no HTTP client would send. Every socket event is handled; the promise always settles.
 */
export function rawRequest(port: number, head: string | Buffer, options: RawOptions = {}): Promise<RawOutcome> {
  const { pieces = [], pauseMs = 0, then = 'wait', boundMs = 20_000 } = options;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let closedByServer = false;
    let settled = false;
    const socket: Socket = connect(port, '127.0.0.1');
    const finish = () => {
      if (settled) return;
      settled = true;
      clearTimeout(bound);
      socket.destroy();
      const text = Buffer.concat(chunks).toString('utf8');
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve({ status: status ? Number(status) : undefined, text, closedByServer });
    };
    const bound = setTimeout(finish, boundMs);
    // A reset (ECONNRESET) is the server closing on us too.
    socket.on('error', () => {
      closedByServer = true;
      finish();
    });
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      closedByServer = true;
      finish();
    });
    socket.on('close', () => {
      if (!settled) closedByServer = true;
      finish();
    });
    socket.on('connect', () => {
      void (async () => {
        socket.write(head);
        for (const piece of pieces) {
          if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
          if (socket.destroyed) return;
          socket.write(piece);
        }
        if (then === 'end') socket.end();
        if (then === 'destroy') {
          // Give the server a moment to start reading, then vanish mid-request.
          await new Promise((r) => setTimeout(r, 100));
          socket.destroy();
          resolve({ status: undefined, text: '', closedByServer: false });
          settled = true;
          clearTimeout(bound);
        }
      })();
    });
  });
}

/** Whether the portal still answers: its health check and a tenant's home page. */
export async function stillAnswers(port: number): Promise<boolean> {
  const health = await get(port, '/health', 'localhost');
  const home = await get(port, '/', 'recklinghausen.localhost');
  return health.status === 200 && home.status === 200;
}

/** A request head for a multipart upload with the given body length. */
export const multipartHead = (path: string, host: string, cookie: string, length: number, boundary = 'b'): string =>
  `POST ${path} HTTP/1.1\r\nHost: ${host}\r\nCookie: ${cookie}\r\nConnection: close\r\n` +
  `Content-Type: multipart/form-data; boundary=${boundary}\r\nContent-Length: ${length}\r\n\r\n`;

/** The body of the report: one file part whose closing boundary never comes. */
export const CUT_OFF_MULTIPART = Buffer.from(
  '--b\r\nContent-Disposition: form-data; name="file"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 no end',
);
