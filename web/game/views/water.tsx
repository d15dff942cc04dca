import { Card } from '../../shared/card.js';
import { useCommand } from '../use-command.js';
import { useConnection } from '../use-topic.js';
import { Notice } from './notice.js';

/** Logging water: one tap for a glass or a bottle, or any amount (1–5,000 ml). */
export function Water({ userId }: { userId: string }) {
  const connection = useConnection();
  const { run, outcome, busy } = useCommand();
  const drink = (ml: number) => run({ to: `user/${userId}`, type: 'water.log', payload: { ml, drankAt: connection.serverNow() } }, `${ml} ml of water logged`);

  function custom(event: Event) {
    event.preventDefault();
    void drink(Number(new FormData(event.currentTarget as HTMLFormElement).get('ml')));
  }

  return (
    <Card id="water" title="Water" mark="water">
      <div class="row">
        <button type="button" class="secondary" disabled={busy} onClick={() => void drink(250)}>
          Glass +250 ml
        </button>
        <button type="button" class="secondary" disabled={busy} onClick={() => void drink(500)}>
          Bottle +500 ml
        </button>
      </div>
      <form class="row" onSubmit={custom}>
        <div class="field">
          <label for="water-ml">Amount (ml)</label>
          <input id="water-ml" name="ml" type="number" min={1} max={5000} step={1} required />
        </div>
        <button type="submit" disabled={busy}>
          Log water
        </button>
      </form>
      <Notice outcome={outcome} />
    </Card>
  );
}
