import type { Logger } from '../log.js';
import { ok, type Router } from './router.js';

export interface HealthSources {
  /** Facts about the node that /healthz reports. */
  describe(): Record<string, unknown>;
  /** Resolves when the node can serve traffic (its database answers); rejects with the reason. */
  ready(): Promise<void>;
  /** True from the moment the node starts draining. */
  draining(): boolean;
}

/** `/healthz`: the process is alive. `/readyz`: it can serve traffic now. */
export function mountHealth(router: Router, sources: HealthSources, log: Logger): void {
  router.get('/healthz', () => ok({ status: 'ok', ...sources.describe() }));
  router.get('/readyz', async () => {
    if (sources.draining()) return ok({ status: 'draining' }, 503);
    try {
      await sources.ready();
      return ok({ status: 'ready' });
    } catch (error) {
      log.warn({ err: error }, 'readiness check failed');
      return ok({ status: 'unavailable', reason: (error as Error).message }, 503);
    }
  });
}
