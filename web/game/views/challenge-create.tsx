import { Card } from '../../shared/card.js';
import { newId } from '../connection.js';
import { useCommand } from '../use-command.js';
import { useConnection } from '../use-topic.js';
import { challengeKinds, type ChallengeKind } from './challenge-kinds.js';
import { Notice } from './notice.js';

const hour = 3_600_000;
const week = 7 * 24 * hour;
const durations = [
  { label: '1 hour', ms: hour },
  { label: '1 day', ms: 24 * hour },
  { label: '1 week', ms: week },
  { label: '30 days', ms: 30 * 24 * hour },
  { label: '90 days', ms: 90 * 24 * hour },
];
const starts = [
  { label: 'Now', ms: 0 },
  { label: 'In 1 hour', ms: hour },
  { label: 'Tomorrow', ms: 24 * hour },
  { label: 'In 1 week', ms: week },
];

/**
 * Creating a challenge (title 1–80 characters, a window of 1 minute to 90 days starting within a
 * year, 2–1,000 players; docs/GAME.md), and joining it at once unless told not to.
 */
export function ChallengeCreate({ onCreated }: { onCreated(challengeId: string): void }) {
  const connection = useConnection();
  const { run, outcome, busy, setOutcome } = useCommand();

  async function create(event: Event) {
    event.preventDefault();
    const formElement = event.currentTarget as HTMLFormElement;
    const form = new FormData(formElement);
    const title = String(form.get('title') ?? '');
    const challengeId = newId(`${slug(title)}-`).slice(0, 64);
    const startsAt = connection.serverNow() + Number(form.get('starts'));
    const target = Number(form.get('target') || 0);
    const created = await run(
      {
        to: `challenge/${challengeId}`,
        type: 'challenge.create',
        payload: {
          title,
          kind: String(form.get('kind')) as ChallengeKind,
          startsAt,
          endsAt: startsAt + Number(form.get('duration')),
          maxParticipants: Number(form.get('maxParticipants')),
          ...(target > 0 ? { target } : {}),
        },
      },
      `Challenge "${title.trim()}" created`,
    );
    if (!created) return;
    (formElement.elements.namedItem('title') as HTMLInputElement).value = '';
    if (form.get('join') === 'on') {
      const joined = await run({ to: `challenge/${challengeId}`, type: 'challenge.join', payload: {} }, `Challenge "${title.trim()}" created, and you are in`);
      if (!joined) return;
    } else {
      setOutcome({ ok: true, text: `Challenge "${title.trim()}" created` });
    }
    onCreated(challengeId);
  }

  return (
    <Card id="create" title="New challenge" mark="red">
      <form onSubmit={create}>
        <div class="field">
          <label for="challenge-title">Title</label>
          <input id="challenge-title" name="title" required maxLength={80} placeholder="e.g. Water week" />
        </div>
        <div class="row">
          <div class="field">
            <label for="challenge-kind">Who wins</label>
            <select id="challenge-kind" name="kind">
              {Object.entries(challengeKinds).map(([kind, { label }]) => (
                <option value={kind} key={kind}>
                  {label}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="challenge-starts">Starts</label>
            <select id="challenge-starts" name="starts">
              {starts.map((start) => (
                <option value={start.ms} key={start.ms}>
                  {start.label}
                </option>
              ))}
            </select>
          </div>
          <div class="field">
            <label for="challenge-duration">Lasts</label>
            <select id="challenge-duration" name="duration">
              {durations.map((duration) => (
                <option value={duration.ms} key={duration.ms} selected={duration.ms === week}>
                  {duration.label}
                </option>
              ))}
            </select>
          </div>
        </div>
        <div class="row">
          <div class="field">
            <label for="challenge-max">Players at most</label>
            <input id="challenge-max" name="maxParticipants" type="number" min={2} max={1000} step={1} required defaultValue="10" />
          </div>
          <div class="field">
            <label for="challenge-target">Score cap (optional)</label>
            <input id="challenge-target" name="target" type="number" min={1} max={1_000_000_000} step="any" />
          </div>
        </div>
        <div class="row">
          <label class="check" for="challenge-join">
            <input id="challenge-join" name="join" type="checkbox" defaultChecked /> Join it myself
          </label>
          <button type="submit" disabled={busy}>
            Create challenge
          </button>
        </div>
      </form>
      <Notice outcome={outcome} />
    </Card>
  );
}

/** A readable start for a challenge id: the title's letters and digits, lower-cased. */
function slug(title: string): string {
  const words = title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return words || 'challenge';
}
