import { useState } from 'preact/hooks';
import { AdminApiError, type AdminApi, type DeadLetter, type ProjectionStatus } from './admin-api.js';

interface RepairsProps {
  api: AdminApi;
  projections: ProjectionStatus[];
  deadLetters: DeadLetter[];
  /** In a cluster, the node that runs the projectors (the holder of shard 0): any node answers for it (server/http/admin-forward.ts). */
  projectorsOn: string | undefined;
  /** Poll again now, after an action changed something. */
  refresh(): void;
}

/** Projection lag and rebuilds, parked projection events and dead letters, with what an operator can do about each. */
export function RepairsPanel({ api, projections, deadLetters, projectorsOn, refresh }: RepairsProps) {
  const [notice, setNotice] = useState<{ text: string; error: boolean } | undefined>();
  const act = async (what: string, action: () => Promise<string>) => {
    try {
      setNotice({ text: await action(), error: false });
    } catch (error) {
      setNotice({ text: `${what} failed: ${error instanceof AdminApiError ? `${error.code}: ${error.message}` : String(error)}`, error: true });
    }
    refresh();
  };
  const parked = projections.flatMap((projection) => projection.parked.events);

  return (
    <section class="panel repairs" aria-labelledby="repairs-title">
      <header class="panel-head">
        <h2 id="repairs-title">Projections and failures</h2>
        {projectorsOn ? <span class="tag">projectors run on {projectorsOn} (holder of shard 0)</span> : null}
      </header>
      <p class={`notice ${notice?.error ? 'error' : ''}`} role="status" aria-live="polite">
        {notice?.text ?? ''}
      </p>
      <table class="grid-table projections">
        <caption class="visually-hidden">Projections</caption>
        <thead>
          <tr>
            <th scope="col">Projection</th>
            <th scope="col">State</th>
            <th scope="col" class="num">Generation</th>
            <th scope="col" class="num">Lag (events)</th>
            <th scope="col" class="num">Lag (s)</th>
            <th scope="col" class="num">Parked</th>
            <th scope="col">
              <span class="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {projections.map((projection) => (
            <tr key={projection.name} data-projection={projection.name}>
              <th scope="row">{projection.name}</th>
              <td>
                <span class={`status ${projection.state === 'live' ? 'up' : projection.state === 'failed' ? 'down' : 'busy'}`}>{projection.state}</span>
                {projection.rebuild ? (
                  <span class="dim">
                    {' '}
                    → g{projection.rebuild.generation}
                    {projection.rebuild.progress === undefined ? '' : ` ${Math.round(projection.rebuild.progress * 100)}%`}
                  </span>
                ) : null}
              </td>
              <td class="num">{projection.generation}</td>
              <td class={`num lag-events ${projection.lag.events > 0 ? 'warn' : ''}`}>
                {projection.lag.approximate ? '≈' : ''}
                {projection.lag.events}
              </td>
              <td class="num">{projection.lag.seconds.toFixed(1)}</td>
              <td class={`num ${projection.parked.count > 0 ? 'warn' : ''}`}>{projection.parked.count}</td>
              <td class="actions">
                <button
                  type="button"
                  onClick={() =>
                    act(`Rebuild of ${projection.name}`, async () => {
                      const started = await api.post<{ generation: number; resumed: boolean }>(`/v1/admin/projections/${encodeURIComponent(projection.name)}/rebuild`);
                      return `Rebuild requested: ${projection.name} generation ${started.generation}${started.resumed ? ' (resumed)' : ''}.`;
                    })
                  }
                >
                  Rebuild<span class="visually-hidden"> {projection.name}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <div class="split">
        <div class="parked">
          <h3>
            Parked projection events <span class="count parked-count">{projections.reduce((sum, projection) => sum + projection.parked.count, 0)}</span>
          </h3>
          {parked.length === 0 ? (
            <p class="note empty">No parked events.</p>
          ) : (
            <ul class="items">
              {parked.map((event) => (
                <li key={`${event.projection}-${event.id}`}>
                  <div class="item-head">
                    <b>
                      {event.projection} #{event.id}
                    </b>{' '}
                    {event.event.type} on {event.streamId} at {event.position}, {event.attempts} attempts
                  </div>
                  <div class="item-error">{event.error}</div>
                  <div class="actions">
                    <button type="button" onClick={() => act(`Retry of parked event ${event.id}`, async () => (await api.post(`/v1/admin/projections/${event.projection}/parked/${event.id}/retry`), `Parked event ${event.id} applied.`))}>
                      Retry
                    </button>
                    <button type="button" class="danger" onClick={() => act(`Skip of parked event ${event.id}`, async () => (await api.post(`/v1/admin/projections/${event.projection}/parked/${event.id}/skip`), `Parked event ${event.id} skipped.`))}>
                      Skip
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
        <div class="dead-letters">
          <h3>
            Dead letters <span class="count dead-letter-count">{deadLetters.length}</span>
          </h3>
          {deadLetters.length === 0 ? (
            <p class="note empty">No dead letters.</p>
          ) : (
            <ul class="items">
              {deadLetters.map((letter) => (
                <li key={letter.id}>
                  <div class="item-head">
                    <b>#{letter.id}</b> {letter.command.type ?? 'command'} to {letter.actor} ({letter.commandId}), {letter.attempts} attempts{letter.node ? ` on ${letter.node}` : ''}
                  </div>
                  <div class="item-error">{letter.error}</div>
                  <div class="actions">
                    <button type="button" onClick={() => act(`Retry of dead letter ${letter.id}`, async () => {
                      const outcome = await api.post<{ status?: string }>(`/v1/admin/dead-letters/${letter.id}/retry`);
                      return `Dead letter ${letter.id} sent again: ${outcome.status ?? 'answered'}.`;
                    })}>
                      Retry
                    </button>
                    <button type="button" class="danger" onClick={() => act(`Discard of dead letter ${letter.id}`, async () => (await api.delete(`/v1/admin/dead-letters/${letter.id}`), `Dead letter ${letter.id} discarded.`))}>
                      Discard
                    </button>
                  </div>
                </li>
              ))}
            </ul>
          )}
        </div>
      </div>
    </section>
  );
}
