import { Inject, Injectable, Optional } from '@nestjs/common';
import { Casework, MonthlyFigures } from '@openrathaus/applications';
import { Clock, systemClock } from '@openrathaus/core';
import { TenantTransactions } from '@openrathaus/database';
import { Tenant, TenantRegistry } from '@openrathaus/tenancy';
import { invalidRegionField } from './region.error';
import { RegionCatalogue } from './region-catalogue.service';

/** The time source of the statistics' keeping (tests may pass their own). */
export const REGION_CLOCK = Symbol('REGION_CLOCK');

/** The months of the statistics: `from` and `to` as `YYYY-MM`, both whole. */
export interface RegionRange {
  from: string;
  to: string;
}

/** Sums of applications: how many came in and how many were completed without a media break. */
export interface Figures {
  submitted: number;
  completed: number;
  /** completed / submitted, 0..1 (0 when nothing came in). */
  onlineShare: number;
}

/** The region's statistics: sums over its members, nothing about any application or person. */
export interface RegionStatisticsView {
  range: RegionRange;
  months: (Figures & { month: string })[];
  services: (Figures & { key: string })[];
  members: (Figures & { slug: string; name: string })[];
  total: Figures;
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/;
/**
 * How long the sums of a period are kept: they change slowly, and each costs one transaction per
 * member; asked again within this time (a public page), they are not counted again.
 */
const KEEP_MS = 60_000;
const MAX_KEPT = 200;
const MAX_MONTHS = 60;

const monthIndex = (month: string): number => Number(month.slice(0, 4)) * 12 + Number(month.slice(5, 7)) - 1;
const monthOf = (index: number): string => `${Math.floor(index / 12)}-${String((index % 12) + 1).padStart(2, '0')}`;

/**
 * Checks `from`/`to` (months `YYYY-MM`, both counted whole) and gives the last twelve months up to
 * `today`'s when they are missing. A fault names its field.
 */
export function regionRange(from: unknown, to: unknown, today = new Date()): RegionRange {
  const read = (field: 'from' | 'to', value: unknown): string | undefined => {
    if (value === undefined || value === '') return undefined;
    if (typeof value !== 'string' || !MONTH.test(value)) throw invalidRegionField(field, 'month');
    return value;
  };
  const end = read('to', to) ?? monthOf(today.getUTCFullYear() * 12 + today.getUTCMonth());
  const start = read('from', from) ?? monthOf(monthIndex(end) - 11);
  if (monthIndex(start) > monthIndex(end)) throw invalidRegionField('to', 'before_from');
  if (monthIndex(end) - monthIndex(start) >= MAX_MONTHS) throw invalidRegionField('from', 'too_long');
  return { from: start, to: end };
}

const figures = (submitted: number, completed: number): Figures => ({
  submitted,
  completed,
  onlineShare: submitted > 0 ? completed / submitted : 0,
});

/**
 * The region's statistics: applications per month and service, and the share completed online,
 * summed over its members. This is the region's one read across tenants, and it is made for
 * that: each member is read in its own transaction under its own tenant (RLS in force, the
 * application role, never the owner), through the applications lib's aggregate query; only the
 * sums leave that transaction, and only sums are kept.
 */
@Injectable()
export class RegionStatistics {
  constructor(
    private readonly transactions: TenantTransactions,
    private readonly casework: Casework,
    private readonly registry: TenantRegistry,
    private readonly catalogue: RegionCatalogue,
    @Optional() @Inject(REGION_CLOCK) private readonly clock: Clock = systemClock,
  ) {}

  private readonly kept = new Map<string, { until: number; view: Promise<RegionStatisticsView> }>();

  /** The sums for the period, counted at most once a minute per region and period. */
  of(region: Tenant, range: RegionRange): Promise<RegionStatisticsView> {
    const now = this.clock.now().getTime();
    const key = `${region.id}@${region.revision}:${range.from}:${range.to}`;
    const hit = this.kept.get(key);
    if (hit && hit.until > now) return hit.view;
    const view = this.count(region, range);
    this.kept.delete(key);
    this.kept.set(key, { until: now + KEEP_MS, view });
    if (this.kept.size > MAX_KEPT) this.kept.delete(this.kept.keys().next().value as string);
    // A failed count is not kept: the next request counts again.
    void view.catch(() => this.kept.get(key)?.view === view && this.kept.delete(key));
    return view;
  }

  private async count(region: Tenant, range: RegionRange): Promise<RegionStatisticsView> {
    const members = this.catalogue.members(region);
    const from = `${range.from}-01`;
    const toIndex = monthIndex(range.to) + 1;
    const to = `${monthOf(toIndex)}-01`;
    const months = new Map<string, { submitted: number; completed: number }>();
    for (let i = monthIndex(range.from); i < toIndex; i++) months.set(monthOf(i), { submitted: 0, completed: 0 });
    const services = new Map<string, { submitted: number; completed: number }>();
    const perMember: RegionStatisticsView['members'] = [];
    let submitted = 0;
    let completed = 0;
    for (const member of members) {
      const tenant = this.registry.get(member.slug);
      if (!tenant) continue;
      const rows = await this.memberFigures(tenant, from, to);
      let own = 0;
      let done = 0;
      for (const row of rows) {
        own += row.submitted;
        done += row.completed;
        const month = months.get(row.month);
        if (month) {
          month.submitted += row.submitted;
          month.completed += row.completed;
        }
        const service = services.get(row.serviceKey) ?? { submitted: 0, completed: 0 };
        service.submitted += row.submitted;
        service.completed += row.completed;
        services.set(row.serviceKey, service);
      }
      submitted += own;
      completed += done;
      perMember.push({ slug: member.slug, name: member.name, ...figures(own, done) });
    }
    return {
      range,
      months: [...months].map(([month, f]) => ({ month, ...figures(f.submitted, f.completed) })),
      services: [...services]
        .map(([key, f]) => ({ key, ...figures(f.submitted, f.completed) }))
        .sort((a, b) => b.submitted - a.submitted || a.key.localeCompare(b.key)),
      members: perMember,
      total: figures(submitted, completed),
    };
  }

  /** One member's monthly figures, read under that member's tenant: sums only. */
  private memberFigures(member: Tenant, from: string, to: string): Promise<MonthlyFigures[]> {
    return this.transactions.run(member.id, (scope) => this.casework.monthly(scope, from, to));
  }
}
