import { cpSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, projectRoot } from '@openrathaus/core';
import { I18n } from '@openrathaus/i18n';
import { MailTenant, MailTemplates } from './mail-templates.service';

const tenant: MailTenant = {
  slug: 'gelsenkirchen',
  name: 'Stadt Gelsenkirchen',
  config: {
    name: 'Stadt Gelsenkirchen',
    branding: { primaryColor: '#004b93' },
    contact: { email: 'info@gelsenkirchen.de', phone: '+49 209 169-0' },
  },
};

describe('MailTemplates', () => {
  let dir: string;
  let templates: MailTemplates;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'or-mail-'));
    cpSync(join(projectRoot(), 'tenants', 'gelsenkirchen', 'tenant.yaml'), join(dir, 'tenant.yaml'));
    templates = new MailTemplates(
      { ...loadConfig({ NODE_ENV: 'test' }), tenantsDir: dir },
      new I18n().register(join(projectRoot(), 'libs', 'messaging', 'locales')),
    );
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('renders a system template in German and in English, with the tenant filled in', () => {
    const data = { name: 'Erika Muster', link: 'https://gelsenkirchen.localhost/konto/bestaetigen?token=abc' };
    const de = templates.renderSystem(tenant, 'account-verify', 'de', data);
    expect(de.subject).toBe('Bitte bestätigen Sie Ihre E-Mail-Adresse – Stadt Gelsenkirchen');
    expect(de.text).toMatch(/^Guten Tag Erika Muster,\n\nSie haben ein Konto im Serviceportal Stadt Gelsenkirchen/);
    expect(de.text).toContain(data.link);
    const en = templates.renderSystem(tenant, 'account-verify', 'en', data);
    expect(en).toMatchObject({ subject: 'Please confirm your e-mail address – Stadt Gelsenkirchen', locale: 'en' });
  });

  it('falls back to German for a language without a template', () => {
    const ls = templates.renderSystem(tenant, 'password-reset', 'de-x-ls', { name: 'A', link: 'https://x.example/' });
    expect(ls.locale).toBe('de');
    expect(ls.subject).toBe('Neues Passwort für das Serviceportal Stadt Gelsenkirchen');
  });

  it('brands the HTML layout and escapes what the data brings, while the text stays plain', () => {
    const mail = templates.renderSystem(tenant, 'application-status', 'de', {
      number: 'GE-2026-000001',
      status: 'genehmigt',
      message: 'Bitte <b>bringen</b> Sie & "alles" mit.',
      name: '<script>alert(1)</script>',
    });
    expect(mail.text).toContain('Bitte <b>bringen</b> Sie & "alles" mit.');
    expect(mail.html).toContain('background:#004b93;color:#ffffff');
    expect(mail.html).toContain('<html lang="de" dir="ltr">');
    expect(mail.html).toContain('Bitte &lt;b&gt;bringen&lt;/b&gt; Sie &amp; &quot;alles&quot; mit.');
    expect(mail.html).not.toContain('<script>');
    expect(mail.html).toContain('Diese E-Mail wurde automatisch vom Serviceportal Stadt Gelsenkirchen versandt.');
    expect(mail.html).toContain('mailto:info@gelsenkirchen.de');
  });

  it("keeps prototype access off, also in a tenant's own template", () => {
    const mailDir = join(dir, 'dorsten', 'mail');
    mkdirSync(mailDir, { recursive: true });
    writeFileSync(
      join(mailDir, 'account-exists.de.hbs'),
      'Subject: x\n\n[{{name.constructor.name}}][{{lookup name "__proto__"}}]',
    );
    const warn = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const mail = templates.renderSystem({ ...tenant, slug: 'dorsten' }, 'account-exists', 'de', { name: 'Erika' });
    warn.mockRestore();
    expect(mail.text).toBe('[][]');
  });

  it("uses a tenant's own template and layout from tenants/<slug>/mail, and sees a changed file", () => {
    const mailDir = join(dir, 'gelsenkirchen', 'mail');
    mkdirSync(mailDir, { recursive: true });
    const file = join(mailDir, 'account-verify.de.hbs');
    writeFileSync(file, 'Subject: Willkommen in Gelsenkirchen, {{name}}\n\nHallo {{name}}: {{link}}\n');
    const mine = templates.renderSystem(tenant, 'account-verify', 'de', { name: 'Erika', link: 'https://x.example/' });
    expect(mine.subject).toBe('Willkommen in Gelsenkirchen, Erika');
    expect(mine.text).toBe('Hallo Erika: https://x.example/');
    // English is not overridden: the platform's English text, not the tenant's German one.
    expect(templates.renderSystem(tenant, 'account-verify', 'en', { name: 'E' }).subject).toMatch(/^Please confirm/);
    // Another tenant keeps the platform's.
    const other = templates.renderSystem({ ...tenant, slug: 'bottrop' }, 'account-verify', 'de', { name: 'E' });
    expect(other.subject).toMatch(/^Bitte bestätigen/);

    writeFileSync(file, 'Subject: Geändert\n\nNeu\n');
    const later = new Date(Date.now() + 5000);
    utimesSync(file, later, later);
    expect(templates.renderSystem(tenant, 'account-verify', 'de', {}).subject).toBe('Geändert');

    writeFileSync(join(mailDir, 'layout.html.hbs'), '<div data-tenant="{{tenant.slug}}">{{body}}</div>');
    expect(templates.renderSystem(tenant, 'account-verify', 'de', {}).html).toBe(
      '<div data-tenant="gelsenkirchen"><p>Neu</p></div>',
    );
    rmSync(mailDir, { recursive: true });
  });

  it('refuses a template without a subject line and names it', () => {
    const mailDir = join(dir, 'bottrop', 'mail');
    mkdirSync(mailDir, { recursive: true });
    writeFileSync(join(mailDir, 'password-reset.de.hbs'), 'Hallo\n');
    expect(() => templates.renderSystem({ ...tenant, slug: 'bottrop' }, 'password-reset', 'de', {})).toThrow(
      /messaging.invalid_template/,
    );
  });

  it('knows which system templates exist', () => {
    expect(templates.exists('application-submitted')).toBe(true);
    expect(templates.exists('nope')).toBe(false);
    expect(templates.exists('../layout')).toBe(false);
  });

  it('lists every answer and every file in the mail that hands an application to an office', () => {
    const mail = templates.renderSystem(tenant, 'application-delivery', 'de', {
      number: 'GE-1',
      service: 'Bewohnerparkausweis',
      version: 'gelsenkirchen/bewohnerparkausweis@1.2.0',
      submittedAt: '06.12.2026, 10:15',
      handoffId: '0b6f4c1e-1111-4222-8333-944455556666',
      fields: [
        { label: 'Vorname', text: 'Erika' },
        { label: 'Zweitwagen', text: 'nein' },
      ],
      files: [{ filename: 'fahrzeugschein.pdf', field: 'fahrzeugschein' }],
    });
    expect(mail.subject).toBe('Neuer Antrag GE-1: Bewohnerparkausweis');
    expect(mail.text).toContain('Angaben:\nVorname: Erika\nZweitwagen: nein\n');
    expect(mail.text).toContain('Dateien der antragstellenden Person:\n- fahrzeugschein.pdf (fahrzeugschein)\n');
    expect(mail.text).toContain('Übergabe-ID: 0b6f4c1e-1111-4222-8333-944455556666');
  });

  it("renders a definition's message with the catalog's helpers, in its language", () => {
    const message = {
      subject: { de: 'Ihr Bewohnerparkausweis {{application.number}}', en: 'Your permit {{application.number}}' },
      body: {
        de: 'Gilt bis {{date validUntil}}.\n\nGebühr: {{money fee}}\n{{tenant.name}}',
        en: 'Valid until {{date validUntil}}.\n\nFee: {{money fee}}',
      },
    };
    const data = { application: { number: 'GE-1' }, fee: 3070, validUntil: '2027-03-01' };
    const de = templates.renderMessage(tenant, message, 'de', data);
    expect(de).toMatchObject({ subject: 'Ihr Bewohnerparkausweis GE-1', locale: 'de' });
    expect(de.text).toBe('Gilt bis 1.3.2027.\n\nGebühr: 30,70\u00a0€\nStadt Gelsenkirchen');
    expect(de.html).toContain('<p>Gilt bis 1.3.2027.</p>');
    const en = templates.renderMessage(tenant, message, 'en', data);
    expect(en.text).toBe('Valid until 01/03/2027.\n\nFee: €30.70');
    expect(en.html).toContain('<html lang="en" dir="ltr">');
  });
});
