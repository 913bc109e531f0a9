import type { DeliveryTargetConfig, TenantFile } from './tenant-file';

/** The target a service's applications are handed to, with the address an e-mail target goes to. */
export type ResolvedDeliveryTarget =
  | { ok: true; target: DeliveryTargetConfig & { email?: string } }
  /** `unknown_target`: the definition names a target kind the tenant did not configure; `no_address`: e-mail, but no address anywhere. */
  | { ok: false; reason: 'unknown_target' | 'no_address'; target: string };

/**
 * Which target a service's hand-off goes to: the tenant's choice for the service
 * (`delivery.services.<key>`), else the tenant's target whose id is what the definition's `deliver`
 * step names, else, for `email`, the responsible office's address or the tenant's. The same rule
 * serves `tenants validate`, `tenants sync` and the worker.
 */
export function resolveDeliveryTarget(
  config: Pick<TenantFile, 'delivery' | 'offices' | 'contact'>,
  service: string,
  stepTarget: string | undefined,
  officeId: string | undefined,
): ResolvedDeliveryTarget {
  const targets = config.delivery?.targets ?? [];
  const named = config.delivery?.services?.[service] ?? stepTarget ?? 'email';
  // A target by its id; for a definition's default kind, also the tenant's first target of that kind.
  const configured =
    targets.find((t) => t.id === named) ?? (stepTarget === named ? targets.find((t) => t.kind === named) : undefined);
  const office = config.offices?.find((o) => o.id === officeId);
  const fallback = office?.contact?.email ?? config.contact?.email;
  if (configured) {
    if (configured.kind !== 'email') return { ok: true, target: configured };
    const email = configured.email ?? fallback;
    return email ? { ok: true, target: { ...configured, email } } : { ok: false, reason: 'no_address', target: named };
  }
  if (named !== 'email') return { ok: false, reason: 'unknown_target', target: named };
  return fallback
    ? { ok: true, target: { id: 'email', kind: 'email', email: fallback } }
    : { ok: false, reason: 'no_address', target: named };
}

/** The environment variable that holds a target's secret(s): `DELIVERY_SECRET_<TENANT>_<TARGET>`. */
export const deliverySecretName = (tenant: string, target: string): string =>
  `DELIVERY_SECRET_${tenant}_${target}`.toUpperCase().replace(/-/g, '_');
