import { Card } from '../../shared/card.js';
import { useCommand } from '../use-command.js';
import { Notice } from './notice.js';

/** The first screen of a new player: a display name and their timezone (the browser's by default). */
export function Register({ userId }: { userId: string }) {
  const { run, outcome, busy } = useCommand();
  const timezone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

  function register(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    void run(
      {
        to: `user/${userId}`,
        type: 'user.register',
        payload: { displayName: String(form.get('displayName') ?? ''), timezone: String(form.get('timezone') ?? '') },
      },
      'Welcome aboard!',
    );
  }

  return (
    <Card id="register" title="Create your player" class="register">
      <p>You are signed in as {userId}. Pick the name other players will see.</p>
      <form onSubmit={register}>
        <div class="field">
          <label for="register-name">Display name</label>
          <input id="register-name" name="displayName" required maxLength={40} autocomplete="nickname" />
        </div>
        <div class="field">
          <label for="register-timezone">Timezone</label>
          <input id="register-timezone" name="timezone" required maxLength={64} defaultValue={timezone} />
        </div>
        <button type="submit" disabled={busy}>
          Start playing
        </button>
      </form>
      <Notice outcome={outcome} />
    </Card>
  );
}
