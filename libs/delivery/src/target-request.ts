import { LookupAddress, lookup as dnsLookup } from 'node:dns';
import { IncomingMessage, request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import { isInternalAddress } from '@openrathaus/core';
import { HandoffFailure } from './delivery-target.strategy';

/** How a call to a target may go. */
export interface TargetRequestOptions {
  timeoutMs: number;
  /** Production: https only, and no loopback, private or link-local address unless `allowHosts` names the host. */
  strict: boolean;
  allowHosts: readonly string[];
  /** The most of the answer that is read; a longer answer is a failure. */
  maxAnswerBytes?: number;
}

/**
 * Posts `body` to a target and reads its answer: a timeout for the whole exchange, no redirect
 * followed (a 3xx is a failure), at most `maxAnswerBytes` read, only 2xx a success; in strict mode
 * https only, and the address the name resolves to is checked when connecting, so that a name
 * that resolves to an internal address later is refused too. Every failure is a
 * {@link HandoffFailure} with a message for the tenant admin.
 */
export function postToTarget(
  target: string,
  body: string,
  headers: Record<string, string>,
  options: TargetRequestOptions,
): Promise<{ status: number; answer: string }> {
  let url: URL;
  try {
    url = new URL(target);
  } catch {
    return Promise.reject(new HandoffFailure(`not a URL: ${target}`, true));
  }
  const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
  // Outside production anything goes; in production a host the operator names may be internal and http.
  const allowed = !options.strict || options.allowHosts.includes(host);
  if (url.protocol !== 'https:' && (!allowed || url.protocol !== 'http:')) {
    return Promise.reject(new HandoffFailure(`only https targets are allowed: ${url.origin}`, true));
  }
  if (!allowed && isIP(host) && isInternalAddress(host)) {
    return Promise.reject(new HandoffFailure(`internal address refused: ${host} (DELIVERY_ALLOW_HOSTS)`, true));
  }
  const max = options.maxAnswerBytes ?? 64 * 1024;
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (error: HandoffFailure | undefined, value?: { status: number; answer: string }) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve(value as { status: number; answer: string });
    };
    const checkedLookup = (
      hostname: string,
      lookupOptions: { all?: boolean },
      callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void,
    ) => {
      dnsLookup(hostname, { all: true }, (err, addresses) => {
        if (err) return callback(err, '', 0);
        const bad = !allowed && addresses.find((a) => isInternalAddress(a.address));
        if (bad) {
          const refusal: NodeJS.ErrnoException = new Error(
            `${hostname} resolves to an internal address ${bad.address}`,
          );
          refusal.code = 'EINTERNAL';
          return callback(refusal, '', 0);
        }
        if (lookupOptions.all) return callback(null, addresses);
        return callback(null, addresses[0].address, addresses[0].family);
      });
    };
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const request = send(
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
        lookup: checkedLookup,
      },
      (response: IncomingMessage) => {
        const status = response.statusCode ?? 0;
        response.on('error', (error) => done(new HandoffFailure(`answer broke off: ${error.message}`)));
        if (status >= 300 && status < 400) {
          response.resume();
          done(
            new HandoffFailure(
              `answered with a redirect (${status}) to ${response.headers.location ?? '?'}; redirects are not followed`,
            ),
          );
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > max) {
            response.destroy();
            done(new HandoffFailure(`answer larger than ${max} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () => {
          const answer = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) done(undefined, { status, answer });
          else done(new HandoffFailure(`answered ${status}: ${answer.slice(0, 200)}`, status === 410));
        });
      },
    );
    const timer = setTimeout(() => {
      done(new HandoffFailure(`no answer within ${options.timeoutMs} ms`));
      request.destroy();
    }, options.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) =>
      done(
        new HandoffFailure(
          error.code === 'EINTERNAL' ? error.message : `could not connect: ${error.message}`,
          error.code === 'EINTERNAL',
        ),
      ),
    );
    request.end(body);
  });
}
