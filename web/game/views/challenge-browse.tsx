import { useEffect, useState } from 'preact/hooks';
import type { ChallengeTopicState } from '../../../protocol/topic-schemas.js';
import { Card } from '../../shared/card.js';
import { requestJson } from '../../shared/http.js';
import { useCommand } from '../use-command.js';
import { useConnection, useConnectionStatus, useTopic } from '../use-topic.js';
import { fromNow, kindLabel } from './challenge-kinds.js';
import { Alert, Notice } from './notice.js';

/** A row of the challenge directory (GET /v1/challenges, docs/API.md). */
interface DirectoryItem {
  challengeId: string;
  creatorId: string;
  title: string;
  kind: string;
  target: number | null;
  startsAt: number;
  endsAt: number;
  participants: number;
  maxParticipants: number;
  state: string;
}

/**
 * The challenges open to join or running, from the directory (read again on demand, every 30 s,
 * when the connection comes back, when the player's challenges change, and when `refreshKey` changes); join one, or follow one already joined.
 */
export function ChallengeBrowse(props: { joined: readonly string[]; followed: string | undefined; refreshKey: number; onFollow(challengeId: string): void }) {
  const { joined, refreshKey, onFollow } = props;
  const connection = useConnection();
  // The challenge on the board is watched live already: its player count is shown from there, not from the last read.
  const { state: followed } = useTopic<ChallengeTopicState>(props.followed && `challenge/${props.followed}`);
  const status = useConnectionStatus(connection);
  const { run, outcome, busy } = useCommand();
  const [items, setItems] = useState<DirectoryItem[] | undefined>(undefined);
  const [loadError, setLoadError] = useState<string | undefined>(undefined);
  const [reloads, setReloads] = useState(0);

  useEffect(() => {
    if (status !== 'open') return;
    const timer = setInterval(() => setReloads((count) => count + 1), 30_000);
    return () => clearInterval(timer);
  }, [status]);

  useEffect(() => {
    if (status !== 'open') return;
    let live = true;
    void requestJson<{ items: DirectoryItem[] }>('/v1/challenges?state=open,running&limit=50', { token: connection.session.token }).then((answer) => {
      if (!live) return;
      if (answer.ok) {
        setItems(answer.body.items);
        setLoadError(undefined);
      } else setLoadError(`${answer.code} — ${answer.message}`);
    });
    return () => void (live = false);
  }, [connection, status, refreshKey, reloads, joined.join()]);

  async function join(item: DirectoryItem) {
    if (await run({ to: `challenge/${item.challengeId}`, type: 'challenge.join', payload: {} }, `You joined "${item.title}"`)) {
      onFollow(item.challengeId);
      setReloads((count) => count + 1);
    }
  }

  return (
    <Card
      id="browse"
      title="Open challenges"
      mark="blue"
      actions={
        <button type="button" class="secondary" onClick={() => setReloads((count) => count + 1)}>
          Refresh
        </button>
      }
    >
      <Alert text={loadError && `Could not load the challenges: ${loadError}`} />
      {items === undefined && !loadError && <p class="muted">Loading…</p>}
      {items?.length === 0 && <p class="muted">No open challenges. Create one!</p>}
      {items && items.length > 0 && (
        <ul class="directory" aria-label="Open and running challenges">
          {items.map((item) => {
            const mine = joined.includes(item.challengeId);
            const participants = followed?.challengeId === item.challengeId ? followed.participantCount : item.participants;
            const full = participants >= item.maxParticipants;
            return (
              <li key={item.challengeId} class="directory-item">
                <div>
                  <strong>{item.title}</strong>
                  <p class="muted small">
                    {kindLabel(item.kind)} · {participants}/{item.maxParticipants} players ·{' '}
                    {item.startsAt <= connection.serverNow() ? `ends ${fromNow(item.endsAt, connection.serverNow())}` : `starts ${fromNow(item.startsAt, connection.serverNow())}`}
                  </p>
                </div>
                {mine ? (
                  <button type="button" class="secondary" onClick={() => onFollow(item.challengeId)} aria-label={`Follow ${item.title}`}>
                    Follow
                  </button>
                ) : (
                  <button type="button" disabled={busy || full} onClick={() => void join(item)} aria-label={`Join ${item.title}`}>
                    {full ? 'Full' : 'Join'}
                  </button>
                )}
              </li>
            );
          })}
        </ul>
      )}
      <Notice outcome={outcome} />
    </Card>
  );
}
