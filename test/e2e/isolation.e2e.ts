import { describeTenantIsolation } from '../support-isolation';

describeTenantIsolation('tenant isolation in PostgreSQL', { appUrl: (db) => Promise.resolve(db.appUrl) });
