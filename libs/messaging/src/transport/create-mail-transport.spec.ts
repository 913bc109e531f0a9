import { DataSource } from 'typeorm';
import { loadConfig } from '@openrathaus/core';
import { CaptureMailTransport } from './capture-mail.transport';
import { CapturedMails } from './captured-mails.repository';
import { createMailTransport } from './create-mail-transport';
import { SmtpMailTransport } from './smtp-mail.transport';

describe('createMailTransport', () => {
  const captured = new CapturedMails({} as DataSource);
  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://a@b/c', APP_SECRET: 'x'.repeat(32) };

  it('captures mail in development when no SMTP_URL is set', () => {
    expect(createMailTransport(loadConfig({}), captured)).toBeInstanceOf(CaptureMailTransport);
  });

  it('sends through SMTP when SMTP_URL is set', async () => {
    const transport = createMailTransport(loadConfig({ SMTP_URL: 'smtp://127.0.0.1:2525' }), captured);
    expect(transport).toBeInstanceOf(SmtpMailTransport);
    await transport.close();
  });

  it('refuses to start in production without SMTP_URL, naming the variable', () => {
    expect(() => createMailTransport(loadConfig(production), captured)).toThrow(/^Invalid configuration: SMTP_URL=/);
  });
});
