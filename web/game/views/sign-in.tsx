import { useEffect, useState } from 'preact/hooks';
import { Card } from '../../shared/card.js';
import { devSignIn, devTokensOffered, sessionFromToken, type Session } from '../session.js';
import type { Outcome } from '../use-command.js';
import { Notice } from './notice.js';

const playerId = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,63}$/;

/**
 * Signing in: with a player id in development mode (the server mints a development token), else
 * with a token the player pastes.
 */
export function SignIn({ onSignedIn, reason }: { onSignedIn(session: Session): void; reason?: string }) {
  const [devMode, setDevMode] = useState<boolean | undefined>(undefined);
  const [outcome, setOutcome] = useState<Outcome | undefined>(reason ? { ok: false, text: reason } : undefined);
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    void devTokensOffered().then((offered) => live && setDevMode(offered));
    return () => void (live = false);
  }, []);

  async function signInAs(event: Event) {
    event.preventDefault();
    const id = String(new FormData(event.currentTarget as HTMLFormElement).get('userId') ?? '').trim();
    if (!playerId.test(id)) return setOutcome({ ok: false, text: 'A player id is 1–64 letters, digits or . _ : @ -, starting with a letter or digit.' });
    setBusy(true);
    const answer = await devSignIn(id);
    setBusy(false);
    if (answer.ok) onSignedIn(answer.session);
    else setOutcome({ ok: false, text: `Refused: ${answer.code} — ${answer.message}` });
  }

  function signInWithToken(event: Event) {
    event.preventDefault();
    const token = String(new FormData(event.currentTarget as HTMLFormElement).get('token') ?? '');
    const session = sessionFromToken(token);
    if (session) onSignedIn(session);
    else setOutcome({ ok: false, text: 'That is not a player token (a JWT whose subject is your player id).' });
  }

  return (
    <main class="sign-in">
      <h1>
        <span class="mark logo" aria-hidden="true" />Gamifier
      </h1>
      <p class="tagline">Eat well, drink water, level up — and beat your friends at it.</p>
      <Card id="sign-in" title="Sign in">
        {devMode === undefined && <p>Asking the server how to sign in…</p>}
        {devMode === true && (
          <form onSubmit={signInAs}>
            <div class="field">
              <label for="sign-in-player">Player id</label>
              <input id="sign-in-player" name="userId" autocomplete="username" required maxLength={64} />
            </div>
            <p class="hint">Development server: any player id signs you in.</p>
            <button type="submit" disabled={busy}>
              Sign in
            </button>
          </form>
        )}
        {devMode === false && (
          <form onSubmit={signInWithToken}>
            <div class="field">
              <label for="sign-in-token">Player token</label>
              <input id="sign-in-token" name="token" type="password" autocomplete="current-password" required />
            </div>
            <button type="submit">Sign in</button>
          </form>
        )}
        <Notice outcome={outcome} />
      </Card>
    </main>
  );
}
