import { Card } from '../../shared/card.js';
/** How the page names each achievement (docs/GAME.md, "Achievements"); an id it does not know is shown as it is. */
export const achievementNames: Record<string, { title: string; hint: string }> = {
  'first-meal': { title: 'First meal', hint: 'Log your first meal' },
  hydrated: { title: 'Hydrated', hint: '2,000 ml of water in a day' },
  'week-streak': { title: 'Week streak', hint: 'A 7-day streak' },
  'balanced-week': { title: 'Balanced week', hint: 'Meet your goal 7 days in a row' },
  'challenge-winner': { title: 'Challenge winner', hint: 'Win a challenge' },
  legend: { title: 'Legend', hint: 'Reach level 20' },
};

export const achievementTitle = (id: string) => achievementNames[id]?.title ?? id;

/** The achievements: the player's, in unlock order, then those still to unlock. */
export function Achievements({ unlocked }: { unlocked: readonly string[] }) {
  const locked = Object.keys(achievementNames).filter((id) => !unlocked.includes(id));
  return (
    <Card id="achievements" title={<>Achievements <span class="count">{unlocked.length}</span></>} mark="gold">
      <ul class="achievements" aria-label="Unlocked achievements">
        {unlocked.map((id) => (
          <li class="achievement unlocked" key={id}>
            <span class="medal" aria-hidden="true">{achievementTitle(id).charAt(0)}</span> {achievementTitle(id)}
          </li>
        ))}
        {unlocked.length === 0 && <li class="empty">None yet: log a meal to unlock your first.</li>}
      </ul>
      {locked.length > 0 && (
        <ul class="achievements" aria-label="Still to unlock">
          {locked.map((id) => (
            <li class="achievement locked" key={id} title={achievementNames[id]!.hint}>
              <span class="medal" aria-hidden="true">?</span> {achievementTitle(id)} <span class="visually-hidden">(locked: {achievementNames[id]!.hint})</span>
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
