import { deliverySecretName, resolveDeliveryTarget } from './delivery-target';
import type { TenantFile } from './tenant-file';

const config = (extra: Partial<TenantFile> = {}): Pick<TenantFile, 'delivery' | 'offices' | 'contact'> => ({
  contact: { email: 'rathaus@stadt.de' },
  offices: [
    {
      id: 'gewerbeamt',
      name: 'Gewerbeamt',
      address: { street: 'A 1', postalCode: '45657', city: 'S' },
      contact: { email: 'gewerbe@stadt.de' },
    },
    { id: 'steueramt', name: 'Steueramt', address: { street: 'A 1', postalCode: '45657', city: 'S' } },
  ],
  ...extra,
});

describe('which target a service is handed to', () => {
  it('sends an e-mail to the responsible office, else to the tenant, by default', () => {
    expect(resolveDeliveryTarget(config(), 'gewerbeanzeige', 'email', 'gewerbeamt')).toEqual({
      ok: true,
      target: { id: 'email', kind: 'email', email: 'gewerbe@stadt.de' },
    });
    expect(resolveDeliveryTarget(config(), 'hundesteuer', 'email', 'steueramt')).toMatchObject({
      ok: true,
      target: { email: 'rathaus@stadt.de' },
    });
    expect(resolveDeliveryTarget(config({ contact: undefined }), 'hundesteuer', 'email', 'steueramt')).toEqual({
      ok: false,
      reason: 'no_address',
      target: 'email',
    });
  });

  it('follows the tenant’s choice per service, and a definition’s default kind to the tenant’s target of that kind', () => {
    const delivery = {
      targets: [
        { id: 'software', kind: 'webhook' as const, url: 'https://x.stadt.de/hooks' },
        { id: 'postfach', kind: 'email' as const, email: 'post@stadt.de' },
      ],
      services: { gewerbeanzeige: 'software', hundesteuer: 'postfach' },
    };
    expect(resolveDeliveryTarget(config({ delivery }), 'gewerbeanzeige', 'email', 'gewerbeamt')).toMatchObject({
      ok: true,
      target: { id: 'software', kind: 'webhook' },
    });
    expect(resolveDeliveryTarget(config({ delivery }), 'hundesteuer', 'email', 'steueramt')).toMatchObject({
      ok: true,
      target: { id: 'postfach', email: 'post@stadt.de' },
    });
    expect(resolveDeliveryTarget(config({ delivery }), 'musikschule', 'webhook', undefined)).toMatchObject({
      ok: true,
      target: { id: 'software' },
    });
    expect(resolveDeliveryTarget(config(), 'musikschule', 'fit-connect', undefined)).toEqual({
      ok: false,
      reason: 'unknown_target',
      target: 'fit-connect',
    });
  });

  it('names the secret variable of a tenant’s target', () => {
    expect(deliverySecretName('castrop-rauxel', 'gewerbe-software')).toBe(
      'DELIVERY_SECRET_CASTROP_RAUXEL_GEWERBE_SOFTWARE',
    );
  });
});
