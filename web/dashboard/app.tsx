import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { AdminApi, AdminApiError, type ClusterStats, type ClusterStatus, type DeadLetter, type ProjectionStatus } from './admin-api.js';
import { ClusterPanel } from './cluster-panel.js';
import { emptyHistory, record, type History } from './figures.js';
import { RepairsPanel } from './repairs-panel.js';
import { TrafficPanel } from './traffic-panel.js';

const tokenKey = 'gamifier.adminToken';
const pollMs = 1_000;

/** The operators' dashboard: the admin token first (kept for this tab only), then the live console. */
export function App() {
  const [token, setToken] = useState<string | undefined>(() => sessionStorage.getItem(tokenKey) ?? undefined);
  const [refusal, setRefusal] = useState<string | undefined>();
  const signOut = useCallback((reason?: string) => {
    sessionStorage.removeItem(tokenKey);
    setToken(undefined);
    setRefusal(reason);
  }, []);
  if (!token) {
    return (
      <TokenForm
        error={refusal}
        onToken={(given) => {
          sessionStorage.setItem(tokenKey, given);
          setRefusal(undefined);
          setToken(given);
        }}
      />
    );
  }
  return <Console api={new AdminApi(token)} token={token} onRefused={signOut} />;
}

/** Asks for the token and tries it on one endpoint before the console polls them all with it. */
function TokenForm({ error, onToken }: { error: string | undefined; onToken(token: string): void }) {
  const [value, setValue] = useState('');
  const [checking, setChecking] = useState(false);
  const [refused, setRefused] = useState(error);
  const submit = async () => {
    const token = value.trim();
    if (!token) return;
    setChecking(true);
    try {
      await new AdminApi(token).get('/v1/admin/cluster');
      onToken(token);
    } catch (problem) {
      setRefused(
        problem instanceof AdminApiError && problem.refused
          ? `The server refused this admin token (${problem.code}): ${problem.message}.`
          : `The server could not check the token: ${problem instanceof Error ? problem.message : String(problem)}.`,
      );
    } finally {
      setChecking(false);
    }
  };
  return (
    <main class="gate">
      <form
        class="panel gate-form"
        onSubmit={(event) => {
          event.preventDefault();
          void submit();
        }}
      >
        <h1>Gamifier operations</h1>
        <p class="note">The dashboard reads the operator endpoints, which need the server's ADMIN_TOKEN. It is kept in this tab's session storage only.</p>
        <label for="admin-token">Admin token</label>
        <input id="admin-token" name="admin-token" type="password" autocomplete="off" value={value} onInput={(event) => setValue(event.currentTarget.value)} required />
        {refused ? (
          <p class="alert token-error" role="alert">
            {refused}
          </p>
        ) : null}
        <button type="submit" class="primary" disabled={checking}>
          {checking ? 'Checking…' : 'Open dashboard'}
        </button>
      </form>
    </main>
  );
}

interface Snapshot {
  cluster: ClusterStatus;
  projections: ProjectionStatus[];
  deadLetters: DeadLetter[];
}

function Console({ api, token, onRefused }: { api: AdminApi; token: string; onRefused(reason: string): void }) {
  const [snapshot, setSnapshot] = useState<Snapshot | undefined>();
  const [history, setHistory] = useState<History>(emptyHistory);
  const [problem, setProblem] = useState<string | undefined>();
  const [updatedAt, setUpdatedAt] = useState<Date | undefined>();
  const wake = useRef<() => void>(() => undefined);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      clearTimeout(timer);
      try {
        const [cluster, stats, projections, deadLetters] = await Promise.all([
          api.get<ClusterStatus>('/v1/admin/cluster'),
          api.get<ClusterStats>('/v1/admin/stats'),
          api.get<{ projections: ProjectionStatus[] }>('/v1/admin/projections'),
          api.get<{ deadLetters: DeadLetter[] }>('/v1/admin/dead-letters?limit=50'),
        ]);
        if (stopped) return;
        setSnapshot({ cluster, projections: projections.projections, deadLetters: deadLetters.deadLetters });
        setHistory((past) => record(past, stats));
        setProblem(undefined);
        setUpdatedAt(new Date());
      } catch (error) {
        if (stopped) return;
        if (error instanceof AdminApiError && error.refused) {
          onRefused(`The server refused this admin token (${error.code}): ${error.message}.`);
          return;
        }
        setProblem(error instanceof AdminApiError ? `${error.code}: ${error.message}` : String(error));
      }
      if (!stopped) timer = setTimeout(poll, pollMs);
    };
    wake.current = () => void poll();
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [token]);

  const node = snapshot?.cluster.node ?? history.last?.node;
  return (
    <div class="console">
      <header class="topbar">
        <h1>
          Gamifier <span class="dim">operations</span>
        </h1>
        <div class="topbar-meta">
          <span class={`pulse ${problem ? 'down' : snapshot ? 'up' : ''}`} aria-hidden="true" />
          <span>{node ? `via ${node}` : 'connecting…'}</span>
          <span class="dim">{updatedAt ? `updated ${updatedAt.toLocaleTimeString()}` : ''}</span>
          <button type="button" onClick={() => onRefused('Signed out.')}>
            Sign out
          </button>
        </div>
      </header>
      {problem ? (
        <p class="alert banner" role="alert">
          The admin API did not answer: {problem}. Showing the last figures; trying again every second.
        </p>
      ) : null}
      <main class="layout">
        <TrafficPanel history={history} />
        {snapshot ? <ClusterPanel cluster={snapshot.cluster} /> : <section class="panel">Loading the cluster…</section>}
        {snapshot ? <RepairsPanel
            api={api}
            projections={snapshot.projections}
            deadLetters={snapshot.deadLetters}
            projectorsOn={snapshot.cluster.clustered ? (snapshot.cluster.shards.find((row) => row.shard === 0)?.owner ?? undefined) : undefined}
            refresh={() => wake.current()}
          /> : null}
      </main>
    </div>
  );
}
