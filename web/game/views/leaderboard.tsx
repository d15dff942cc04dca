import type { LeaderboardRow } from '../../../protocol/topic-schemas.js';
import { Card } from '../../shared/card.js';
import { useTopic } from '../use-topic.js';
import { Alert } from './notice.js';
import { Standings } from './standings.js';

/** The global leaderboard (`leaderboard/global`, the top 100), live: the first ten, and the player's own row below them. */
export function Leaderboard({ userId }: { userId: string }) {
  const { state: rows, error } = useTopic<LeaderboardRow[]>('leaderboard/global');
  const top = (rows ?? []).slice(0, 10);
  const own = rows?.find((row) => row.userId === userId);
  const shown = own && !top.includes(own) ? [...top, own] : top;
  return (
    <Card id="leaderboard" title="Leaderboard" mark="gold">
      <Alert text={error} />
      {!rows && !error && <p class="muted">Loading…</p>}
      {rows && (
        <Standings
          label="Global leaderboard"
          columns={['Level', 'Points']}
          rows={shown.map((row) => ({ userId: row.userId, rank: row.rank, name: row.displayName, figures: [row.level, row.points] }))}
          userId={userId}
          empty="No players yet."
        />
      )}
    </Card>
  );
}
