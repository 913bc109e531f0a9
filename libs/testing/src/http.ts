/** A GET with a Host header of choice (fetch does not let a test set Host). */
import { request } from 'node:http';

export interface TestResponse {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

export function get(
  port: number,
  path: string,
  host: string,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET', headers: { host, ...headers } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () =>
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
      );
    });
    req.on('error', reject);
    req.end();
  });
}

/** Any request with a Host header of choice; a body object is sent as JSON. */
export function send(
  port: number,
  method: string,
  path: string,
  host: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  if (body === undefined) return sendBody(port, method, path, host, undefined, headers);
  return sendBody(port, method, path, host, Buffer.from(JSON.stringify(body)), {
    'content-type': 'application/json',
    ...headers,
  });
}

/** An HTML form post (url-encoded, a name given several times for a list), as a browser sends it. */
export function postForm(
  port: number,
  path: string,
  host: string,
  fields: Record<string, string | string[]>,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  const form = new URLSearchParams(
    Object.entries(fields).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x) => [k, x]) : [[k, v]])),
  );
  return sendBody(port, 'POST', path, host, Buffer.from(form.toString()), {
    'content-type': 'application/x-www-form-urlencoded',
    accept: 'text/html',
    ...headers,
  });
}

/** A request with a body as it is (multipart, a form, anything) and a Host header of choice. */
export function sendBody(
  port: number,
  method: string,
  path: string,
  host: string,
  body: Buffer | undefined,
  headers: Record<string, string> = {},
): Promise<TestResponse> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method,
        headers: { host, ...(body ? { 'content-length': String(body.length) } : {}), ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
