import { loadConfig } from '@openrathaus/core';
import { securityHeaders } from './security-headers';

const headersOf = (env: NodeJS.ProcessEnv) => Object.fromEntries(securityHeaders(loadConfig(env)));

describe('securityHeaders', () => {
  it('forbids inline script and style, framing and sniffing, and keeps the referrer at home', () => {
    const headers = headersOf({});
    expect(headers['content-security-policy']).toContain("script-src 'self';");
    expect(headers['content-security-policy']).toContain("style-src 'self';");
    expect(headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(headers['content-security-policy']).not.toContain('unsafe-inline');
    expect(headers['x-frame-options']).toBe('DENY');
    expect(headers['x-content-type-options']).toBe('nosniff');
    expect(headers['referrer-policy']).toBe('same-origin');
  });

  it('sends HSTS and upgrades insecure requests in production only', () => {
    expect(headersOf({})['strict-transport-security']).toBeUndefined();
    expect(headersOf({})['content-security-policy']).not.toContain('upgrade-insecure-requests');
    const production = headersOf({
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://app@db/openrathaus',
      APP_SECRET: 'x'.repeat(32),
      SMTP_URL: 'smtp://mail:25',
      PAYMENT_URL: 'https://pay.example.org/xbezahldienste',
      OIDC_ISSUER: 'https://id.example.org/realms/bund',
    });
    expect(production['strict-transport-security']).toBe('max-age=31536000');
    expect(production['content-security-policy']).toContain('upgrade-insecure-requests');
    expect(production['content-security-policy']).toContain(
      "form-action 'self' https://pay.example.org https://id.example.org",
    );
  });
});
