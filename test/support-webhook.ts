import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { WebhookReplayGuard, verifyWebhook } from '@openrathaus/delivery';

/** One message a receiver took, after its signature was checked. */
export interface ReceivedWebhook {
  id: string;
  headers: Record<string, string | string[] | undefined>;
  body: { type: string; data: Record<string, unknown> } & Record<string, unknown>;
}

/** How the receiver answers the next message(s). */
export type ReceiverMode = 'ok' | 'unavailable' | 'redirect' | 'huge' | 'slow' | 'refuse';

/**
 * A specialist software's webhook receiver, as the test stands it up: a real HTTP server on
 * 127.0.0.1 that checks every message with the verifying helper the platform ships (with the
 * secrets it holds), counts them by `webhook-id` and by application number, and answers as told.
 */
export interface TestWebhookReceiver {
  url: string;
  port: number;
  /** Every message whose signature held, in order (repeats included). */
  received: ReceivedWebhook[];
  /** Messages refused, with why. */
  refused: string[];
  /** Answer the next `times` messages as `mode` (then `ok` again); `times` Infinity: until told otherwise. */
  answer(mode: ReceiverMode, times?: number): void;
  /** Distinct hand-off ids per application number: one each when nothing was handed over twice. */
  idsByNumber(): Map<string, Set<string>>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(
  secrets: string[],
  options: { replays?: boolean } = {},
): Promise<TestWebhookReceiver> {
  const received: ReceivedWebhook[] = [];
  const refused: string[] = [];
  const replays = options.replays ? new WebhookReplayGuard() : undefined;
  let mode: ReceiverMode = 'ok';
  let left = 0;
  const handle = (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('error', () => response.destroy());
    request.on('data', (c: Buffer) => chunks.push(c));
    request.on('end', () => {
      const current = left > 0 ? mode : 'ok';
      if (left > 0) left--;
      if (current === 'unavailable') return void response.writeHead(503).end('busy');
      if (current === 'redirect')
        return void response.writeHead(302, { location: 'http://127.0.0.1:1/elsewhere' }).end();
      if (current === 'huge') {
        response.writeHead(200, { 'content-type': 'text/plain' });
        return void response.end(Buffer.alloc(200 * 1024, 'x'));
      }
      if (current === 'slow') return void setTimeout(() => response.writeHead(200).end('late'), 3000).unref();
      const raw = Buffer.concat(chunks);
      const checked = verifyWebhook({ secrets, headers: request.headers, body: raw, replays });
      if (!checked.ok) {
        refused.push(checked.reason);
        return void response.writeHead(401).end(checked.reason);
      }
      if (current === 'refuse') return void response.writeHead(500).end('internal error');
      received.push({
        id: checked.id,
        headers: request.headers,
        body: JSON.parse(raw.toString('utf8')) as ReceivedWebhook['body'],
      });
      response.writeHead(204).end();
    });
  };
  const server: Server = createServer(handle);
  server.on('clientError', (_error, socket) => socket.destroy());
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hooks/antraege`,
    port,
    received,
    refused,
    answer(next, times = Infinity) {
      mode = next;
      left = times;
    },
    idsByNumber() {
      const map = new Map<string, Set<string>>();
      for (const r of received) {
        const number = String((r.body.data.application as { number?: string } | undefined)?.number ?? '');
        map.set(number, (map.get(number) ?? new Set()).add(r.id));
      }
      return map;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
