import type { UserTopicState } from '../../../protocol/topic-schemas.js';

/** The player at a glance: level, points and the way to the next level, streak, and today against the goal. */
export function PlayerCard({ player }: { player: UserTopicState }) {
  const toNext = Math.max(0, player.nextLevelAt - player.points);
  const share = player.nextLevelAt > 0 ? Math.min(1, player.points / player.nextLevelAt) : 1;
  const { today, goal } = player;
  return (
    <section class="card player-card" aria-labelledby="player-heading">
      <div class="player-top">
        <div class="level-badge" aria-hidden="true">
          {player.level}
        </div>
        <div>
          <h2 id="player-heading">{player.displayName}</h2>
          <p class="muted">
            Level <span data-stat="level">{player.level}</span> · <span data-stat="points">{player.points}</span> points
          </p>
        </div>
        <p class="streak" title="Days in a row with a meal logged">
          {player.streak.days > 0 ? (
            <>
              <span data-stat="streak">{player.streak.days}</span>-day streak
            </>
          ) : (
            'No streak yet'
          )}
        </p>
      </div>
      <div class="level-progress">
        <div
          class="bar"
          role="progressbar"
          aria-label={`Progress to level ${player.level + 1}`}
          aria-valuemin={0}
          aria-valuemax={player.nextLevelAt}
          aria-valuenow={player.points}
        >
          <div class="fill" style={{ width: `${share * 100}%` }} />
        </div>
        <p class="muted small">
          {toNext} points to level {player.level + 1} (at {player.nextLevelAt})
        </p>
      </div>
      <h3>Today</h3>
      <dl class="today">
        <Total label="Calories" value={today.calories} goal={goal?.calories} unit="kcal" stat="calories" />
        <Total label="Protein" value={today.proteinG} goal={goal?.proteinG} unit="g" stat="protein" />
        <Total label="Carbs" value={today.carbsG} goal={goal?.carbsG} unit="g" stat="carbs" />
        <Total label="Fat" value={today.fatG} goal={goal?.fatG} unit="g" stat="fat" />
        <Total label="Water" value={today.waterMl} goal={goal?.waterMl} unit="ml" stat="water" />
        <Total label="Meals" value={today.meals} stat="meals" />
      </dl>
      <p class="badges">
        {today.goalMet && <span class="pill good">Goal met today</span>}
        {today.waterGoalReached && <span class="pill water">Water goal reached</span>}
        {!goal && <span class="pill">No daily goal yet</span>}
      </p>
    </section>
  );
}

function Total({ label, value, goal, unit, stat }: { label: string; value: number; goal?: number | undefined; unit?: string; stat: string }) {
  return (
    <div class="total">
      <dt>{label}</dt>
      <dd>
        <span data-stat={stat}>{round(value)}</span>
        {goal !== undefined && <span class="muted"> / {round(goal)}</span>} {unit}
      </dd>
    </div>
  );
}

const round = (value: number) => Math.round(value * 10) / 10;
