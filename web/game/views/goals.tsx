import type { UserTopicState } from '../../../protocol/topic-schemas.js';
import { Card } from '../../shared/card.js';
import { useCommand } from '../use-command.js';
import { Notice } from './notice.js';

const fields = [
  { name: 'calories', label: 'Calories (kcal)', fallback: 2000, max: 20000 },
  { name: 'proteinG', label: 'Protein (g)', fallback: 100, max: 2000 },
  { name: 'carbsG', label: 'Carbs (g)', fallback: 250, max: 2000 },
  { name: 'fatG', label: 'Fat (g)', fallback: 70, max: 2000 },
  { name: 'waterMl', label: 'Water (ml)', fallback: 2000, max: 20000 },
] as const;

/** The daily goal: what "goal met" and "water goal reached" are measured against. */
export function Goals({ player }: { player: UserTopicState }) {
  const { run, outcome, busy } = useCommand();

  function save(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const value = (name: string) => Number(form.get(name));
    void run(
      {
        to: `user/${player.userId}`,
        type: 'goal.set',
        payload: { calories: value('calories'), proteinG: value('proteinG'), carbsG: value('carbsG'), fatG: value('fatG'), waterMl: value('waterMl') },
      },
      'Daily goal saved',
    );
  }

  return (
    <Card id="goals" title="Daily goal" mark="goal">
      <form onSubmit={save}>
        <div class="row">
          {fields.map((field) => (
            <div class="field" key={field.name}>
              <label for={`goal-${field.name}`}>{field.label}</label>
              <input
                id={`goal-${field.name}`}
                name={field.name}
                type="number"
                min={0}
                max={field.max}
                step="any"
                required
                defaultValue={String(player.goal?.[field.name] ?? field.fallback)}
              />
            </div>
          ))}
        </div>
        <button type="submit" disabled={busy}>
          {player.goal ? 'Update goal' : 'Set goal'}
        </button>
      </form>
      <Notice outcome={outcome} />
    </Card>
  );
}
