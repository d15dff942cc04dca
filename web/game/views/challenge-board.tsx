import type { ChallengeTopicState, LeaderboardRow } from '../../../protocol/topic-schemas.js';
import { Card } from '../../shared/card.js';
import { useCommand } from '../use-command.js';
import { useConnection, useTopic } from '../use-topic.js';
import { fromNow, kindLabel, scoreUnit } from './challenge-kinds.js';
import { Alert, Notice } from './notice.js';
import { Standings } from './standings.js';

const stateLabels: Record<string, string> = {
  uncreated: 'Not created yet',
  scheduled: 'Scheduled',
  open: 'Open to join',
  running: 'Running',
  finished: 'Finished',
  cancelled: 'Cancelled',
};

/** A challenge followed live (`challenge/<id>`): its window, players and ranking, as the server pushes them. */
export function ChallengeBoard({ challengeId, userId, mine, onChoose }: { challengeId: string; userId: string; mine: readonly string[]; onChoose(id: string): void }) {
  const connection = useConnection();
  const { state: challenge, error } = useTopic<ChallengeTopicState>(`challenge/${challengeId}`);
  const { state: leaders } = useTopic<LeaderboardRow[]>('leaderboard/global');
  const { run, outcome, busy } = useCommand();
  const names = new Map((leaders ?? []).map((row) => [row.userId, row.displayName]));
  const definition = challenge?.definition;
  const playing = challenge?.ranking.some((entry) => entry.userId === userId) ?? false;
  const now = connection.serverNow();

  return (
    <Card
      id="board"
      title={definition?.title ?? 'Challenge'}
      mark="green"
      class="challenge-board"
      actions={challenge && <span class={`pill state-${challenge.state}`}>{stateLabels[challenge.state] ?? challenge.state}</span>}
    >
      {mine.length > 1 && (
        <div class="field">
          <label for="board-choose">Following</label>
          <select id="board-choose" value={challengeId} onChange={(event) => onChoose((event.currentTarget as HTMLSelectElement).value)}>
            {mine.map((id) => (
              <option value={id} key={id}>
                {id}
              </option>
            ))}
          </select>
        </div>
      )}
      <Alert text={error} />
      {!challenge && !error && <p class="muted">Loading the challenge…</p>}
      {definition && challenge && (
        <>
          <p class="muted">
            {kindLabel(definition.kind)}
            {definition.target !== null && ` (up to ${definition.target} ${scoreUnit(definition.kind)})`} · {challenge.participantCount}/{definition.maxParticipants} players ·{' '}
            {now < definition.startsAt ? `starts ${fromNow(definition.startsAt, now)}` : now < definition.endsAt ? `ends ${fromNow(definition.endsAt, now)}` : `ended ${fromNow(definition.endsAt, now)}`}
          </p>
          <Standings
            label="Live ranking"
            columns={[`Score (${scoreUnit(definition.kind)})`]}
            rows={challenge.ranking.map((entry) => ({ userId: entry.userId, rank: entry.rank, name: names.get(entry.userId) ?? entry.userId, figures: [entry.score] }))}
            userId={userId}
            empty="Nobody has joined yet."
          />
          {challenge.rewards.length > 0 && (
            <p class="rewards">
              Rewards: {challenge.rewards.map((reward) => `#${reward.rank} ${names.get(reward.userId) ?? reward.userId} +${reward.points}`).join(', ')}
            </p>
          )}
          <div class="row">
            {!playing && (challenge.state === 'open' || challenge.state === 'running') && (
              <button type="button" disabled={busy} onClick={() => void run({ to: `challenge/${challengeId}`, type: 'challenge.join', payload: {} }, 'You joined')}>
                Join this challenge
              </button>
            )}
            {playing && (challenge.state === 'open' || challenge.state === 'running') && (
              <button type="button" class="secondary" disabled={busy} onClick={() => void run({ to: `challenge/${challengeId}`, type: 'challenge.leave', payload: {} }, 'You left the challenge')}>
                Leave
              </button>
            )}
          </div>
        </>
      )}
      <Notice outcome={outcome} />
    </Card>
  );
}
