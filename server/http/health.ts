import { Health, NotReady, Ready } from '../../protocol/contracts/http.js';
import type { DatabaseState } from '../../store/index.js';
import { ok, type Router } from './router.js';

export interface HealthSources {
  /** Facts about the node that /healthz reports. */
  describe(): Record<string, unknown>;
  /** What the background probe of the database last found (never a query on the caller's time). */
  database(): DatabaseState;
  /** True from the moment the node starts draining. */
  draining(): boolean;
}

/**
 * `/healthz`: the process is alive. `/readyz`: it can serve traffic now — answered from the
 * database probe's last result, at once, also while the database hangs. A 503 carries a stable
 * reason code only; the database's own error goes to the log (by the probe, on each change).
 */
export function mountHealth(router: Router, sources: HealthSources): void {
  router.get('/healthz', { summary: 'The process is alive', auth: 'none', responses: { 200: Health }, errors: [] }, () => ok({ status: 'ok', ...sources.describe() }));
  router.get('/readyz', { summary: 'The node can serve traffic now', auth: 'none', responses: { 200: Ready, 503: NotReady }, errors: [] }, () => {
    if (sources.draining()) return ok({ status: 'draining' }, 503);
    const database = sources.database();
    if (database.up) return ok({ status: 'ready' });
    return ok({ status: 'unavailable', reason: database.code, since: database.since.toISOString() }, 503);
  });
}
