import type { TemplatedApp } from 'uWebSockets.js';
import type { Logger } from '../log.js';
import { handleAsync, sendJson } from './respond.js';

export interface HealthSources {
  /** Facts about the node that /healthz reports. */
  describe(): Record<string, unknown>;
  /** Resolves when the node can serve traffic (its database answers); rejects with the reason. */
  ready(): Promise<void>;
  /** True from the moment the node starts draining. */
  draining(): boolean;
}

/** `/healthz`: the process is alive. `/readyz`: it can serve traffic now. */
export function mountHealth(app: TemplatedApp, sources: HealthSources, log: Logger): void {
  app.get('/healthz', (res) => {
    sendJson(res, 200, { status: 'ok', ...sources.describe() });
  });
  app.get('/readyz', (res) => {
    handleAsync(
      res,
      async (aborted) => {
        if (sources.draining()) return sendJson(res, 503, { status: 'draining' }, aborted);
        try {
          await sources.ready();
          sendJson(res, 200, { status: 'ready' }, aborted);
        } catch (error) {
          log.warn({ err: error }, 'readiness check failed');
          sendJson(res, 503, { status: 'unavailable', reason: (error as Error).message }, aborted);
        }
      },
      (error) => log.error({ err: error }, 'readiness handler failed'),
    );
  });
}
