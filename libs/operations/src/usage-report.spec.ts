import { OperationsError } from './operations.error';
import { UsageReport, UsageReportView, currentMonth, monthPeriod } from './usage-report.service';

describe('usage months and CSV', () => {
  it('takes a month as YYYY-MM in Europe/Berlin, summer and winter time alike', () => {
    expect(monthPeriod('2026-01')).toEqual({
      month: '2026-01',
      from: new Date('2025-12-31T23:00:00Z'),
      to: new Date('2026-01-31T23:00:00Z'),
    });
    expect(monthPeriod('2026-07')).toMatchObject({
      from: new Date('2026-06-30T22:00:00Z'),
      to: new Date('2026-07-31T22:00:00Z'),
    });
  });

  it('refuses anything else naming the field month', () => {
    for (const bad of ['2026-00', '2026-13', '26-01', '2026-1', ' 2026-01', '1999-12', 12, undefined, ['2026-01']]) {
      const error = (() => {
        try {
          monthPeriod(bad);
        } catch (e) {
          return e;
        }
      })();
      expect(error).toBeInstanceOf(OperationsError);
      expect((error as OperationsError).fields).toEqual([{ field: 'month', key: 'operations_month' }]);
    }
  });

  it('knows the current month in Berlin at the turn of the year', () => {
    expect(currentMonth(new Date('2026-12-31T23:30:00Z'))).toBe('2027-01');
    expect(currentMonth(new Date('2026-12-31T22:30:00Z'))).toBe('2026-12');
  });

  it('writes CSV that no spreadsheet reads as a formula', () => {
    const report: UsageReportView = {
      ...monthPeriod('2026-11'),
      tenants: [
        {
          tenant: 'x',
          name: '=HYPERLINK("http://evil")',
          kind: 'municipality',
          applications: 3,
          documents: 2,
          mails: 1,
          payments: 1,
          paidCents: 1250,
          storageBytes: 2048,
        },
        {
          tenant: 'y',
          name: 'Stadt A, Kreis B',
          kind: 'municipality',
          applications: 0,
          documents: 0,
          mails: 0,
          payments: 0,
          paidCents: 0,
          storageBytes: 0,
        },
      ],
      totals: { applications: 3, documents: 2, mails: 1, payments: 1, paidCents: 1250, storageBytes: 2048 },
    };
    const csv = new UsageReport(...([] as unknown as ConstructorParameters<typeof UsageReport>)).csv(report);
    expect(csv.split('\r\n')).toEqual([
      'month,tenant,name,applications,documents,mails,payments,paid_eur,storage_bytes',
      `2026-11,x,"'=HYPERLINK(""http://evil"")",3,2,1,1,12.50,2048`,
      '2026-11,y,"Stadt A, Kreis B",0,0,0,0,0.00,0',
      '',
    ]);
  });
});
