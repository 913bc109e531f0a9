import { Client } from 'pg';
import { TestResponse, get, postForm, send, sendBody } from '@openrathaus/testing';
import { TestPortal, eventually } from './support';
import { TestSmtp, parseMail } from './support-mail';

/** Where a portal under test answers: all that the API steps below need of it. */
export type PortalAddress = Pick<TestPortal, 'port'>;

/** A logged-in citizen: the host they use and their session cookie. */
export interface Citizen {
  host: string;
  email: string;
  password: string;
  cookie: string;
}

/** The `name=value` pairs of a response's Set-Cookie headers, as one Cookie header. */
export function cookiesOf(response: TestResponse, previous = ''): string {
  const jar = new Map(
    previous
      .split('; ')
      .filter(Boolean)
      .map((c) => [c.slice(0, c.indexOf('=')), c.slice(c.indexOf('=') + 1)] as const),
  );
  const header = response.headers['set-cookie'];
  for (const line of Array.isArray(header) ? header : header ? [header] : []) {
    const pair = line.split(';')[0];
    const eq = pair.indexOf('=');
    const value = pair.slice(eq + 1);
    if (value) jar.set(pair.slice(0, eq), value);
    else jar.delete(pair.slice(0, eq));
  }
  return [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

/** Registers through the API, confirms with the link from the e-mail the SMTP server received, logs in. */
export async function registerCitizen(
  portal: PortalAddress,
  smtp: TestSmtp,
  host: string,
  email: string,
  password = 'ein sehr gutes Passwort 2026',
): Promise<Citizen> {
  const registered = await send(portal.port, 'POST', '/api/v1/auth/register', host, {
    email,
    password,
    name: 'Erika Mustermann',
  });
  if (registered.status >= 300) throw new Error(`register: ${registered.status} ${registered.body}`);
  const mail = await eventually(() =>
    Promise.resolve(smtp.received.find((m) => m.to.includes(email) && /token=/.test(parseMail(m.raw).text))),
  );
  const token = /token=([A-Za-z0-9_-]+)/.exec(parseMail(mail.raw).text)![1];
  const verified = await send(portal.port, 'POST', '/api/v1/auth/verify', host, { token });
  if (verified.status >= 300) throw new Error(`verify: ${verified.status} ${verified.body}`);
  const login = await send(portal.port, 'POST', '/api/v1/auth/login', host, { email, password });
  if (login.status >= 300) throw new Error(`login: ${login.status} ${login.body}`);
  return { host, email, password, cookie: cookiesOf(login) };
}

/** Uploads one file for one field of an application, as multipart/form-data. */
export function upload(
  portal: PortalAddress,
  citizen: Citizen,
  applicationId: string,
  field: string,
  filename: string,
  bytes: Buffer,
  contentType = 'application/pdf',
): Promise<TestResponse> {
  const boundary = `----openrathaus${Date.now()}`;
  const body = Buffer.concat([
    Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="field"\r\n\r\n${field}\r\n`),
    Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: ${contentType}\r\n\r\n`,
    ),
    bytes,
    Buffer.from(`\r\n--${boundary}--\r\n`),
  ]);
  return sendBody(portal.port, 'POST', `/api/v1/applications/${applicationId}/attachments`, citizen.host, body, {
    cookie: citizen.cookie,
    'content-type': `multipart/form-data; boundary=${boundary}`,
  });
}

/** Opens the sandbox's pay page at `redirectUrl` and presses one of its buttons; answers the redirect back. */
export async function payInSandbox(
  portal: PortalAddress,
  redirectUrl: string,
  action: 'pay' | 'fail' | 'cancel' = 'pay',
): Promise<TestResponse> {
  const url = new URL(redirectUrl);
  const page = await get(portal.port, url.pathname, url.host);
  if (page.status !== 200) throw new Error(`pay page: ${page.status}`);
  const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)![1];
  return postForm(portal.port, url.pathname, url.host, { csrf, action }, { cookie: cookiesOf(page) });
}

/** An account mail: its template and language from the `mails` table, its text as it was delivered. */
export interface AccountMail {
  template: string;
  locale: string;
  /** The first link of the text (confirm, reset, or log in). */
  link: string;
  text: string;
}

/**
 * The newest account mail to `to` (of `template` when given), read as the schema owner once the
 * worker has sent it; its link comes from the delivered text (the row forgets its data once sent).
 * Undefined when no such mail was queued.
 */
export async function lastAccountMail(
  portal: TestPortal,
  to: string,
  template?: string,
): Promise<AccountMail | undefined> {
  const client = new Client({ connectionString: portal.db.ownerUrl });
  await client.connect();
  try {
    const newest = () =>
      client
        .query<{ template: string; locale: string; status: string }>(
          `select template, locale, status from public.mails
            where lower(to_address) = lower($1) and ($2::text is null or template = $2)
            order by created_at desc limit 1`,
          [to, template ?? null],
        )
        .then((r) => r.rows[0]);
    if (!(await newest())) return undefined;
    const row = await eventually(async () => {
      const found = await newest();
      return found?.status === 'sent' ? found : undefined;
    });
    const { rows } = await client.query<{ text: string }>(
      `select text from public.captured_mails where lower(to_address) = lower($1) order by id desc limit 1`,
      [to],
    );
    const text = rows[0]?.text ?? '';
    return { template: row.template, locale: row.locale, link: /https?:\/\/\S+/.exec(text)?.[0] ?? '', text };
  } finally {
    await client.end();
  }
}
