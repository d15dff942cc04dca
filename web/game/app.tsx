import { useEffect, useRef, useState } from 'preact/hooks';
import type { UserTopicState } from '../../protocol/topic-schemas.js';
import { Card } from '../shared/card.js';
import { ConnectionBadge } from '../shared/connection-badge.js';
import { GameConnection } from './connection.js';
import { clearSession, loadSession, saveSession, type Session } from './session.js';
import { ConnectionContext, useConnectionStatus, useTopic } from './use-topic.js';
import { Achievements } from './views/achievements.js';
import { ChallengeBoard } from './views/challenge-board.js';
import { ChallengeBrowse } from './views/challenge-browse.js';
import { ChallengeCreate } from './views/challenge-create.js';
import { Friends } from './views/friends.js';
import { Goals } from './views/goals.js';
import { Leaderboard } from './views/leaderboard.js';
import { Meals } from './views/meals.js';
import { Alert } from './views/notice.js';
import { PlayerCard } from './views/player-card.js';
import { PostThread } from './views/post-thread.js';
import { Register } from './views/register.js';
import { Share } from './views/share.js';
import { SignIn } from './views/sign-in.js';
import { toastFor, Toasts, type Toast } from './views/toasts.js';
import { Water } from './views/water.js';

/** The game page: the sign-in screen, or the game of the signed-in player (kept across reloads of the tab). */
export function App() {
  const [session, setSession] = useState<Session | undefined>(loadSession);
  const [reason, setReason] = useState<string | undefined>(undefined);
  const signIn = (next: Session) => {
    saveSession(next);
    setReason(undefined);
    setSession(next);
  };
  const signOut = (why?: string) => {
    clearSession();
    setReason(why);
    setSession(undefined);
  };
  return session ? <GameScreen key={session.token} session={session} onSignOut={signOut} /> : <SignIn onSignedIn={signIn} {...(reason ? { reason } : {})} />;
}

/** One connection for the signed-in player, for as long as they stay signed in. */
function GameScreen({ session, onSignOut }: { session: Session; onSignOut(why?: string): void }) {
  const [connection] = useState(() => new GameConnection(session));
  useEffect(() => () => void connection.close(), [connection]);
  const status = useConnectionStatus(connection);
  return (
    <ConnectionContext.Provider value={connection}>
      <header class="topbar">
        <h1>
          <span class="mark logo" aria-hidden="true" />Gamifier
        </h1>
        <ConnectionBadge status={status} />
        <p class="signed-in">
          Signed in as <strong>{session.userId}</strong>
        </p>
        <button type="button" class="secondary" onClick={() => onSignOut()}>
          Sign out
        </button>
      </header>
      {status === 'closed' && (
        <div class="ended" role="alert">
          <p>The connection ended: {connection.endReason ?? 'the server closed it'}.</p>
          <button type="button" onClick={() => onSignOut(connection.endReason)}>
            Sign in again
          </button>
        </div>
      )}
      <Game userId={session.userId} />
    </ConnectionContext.Provider>
  );
}

function Game({ userId }: { userId: string }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const toastCount = useRef(0);
  const { state: player, error } = useTopic<UserTopicState>(`user/${userId}`, (item) => {
    const toast = toastFor(item);
    if (!toast) return;
    const id = ++toastCount.current;
    setToasts((shown) => [...shown.slice(-3), { ...toast, id }]);
    setTimeout(() => setToasts((shown) => shown.filter((other) => other.id !== id)), 6_000);
  });
  const [followed, setFollowed] = useState<string | undefined>(undefined);
  const [refreshKey, setRefreshKey] = useState(0);
  const [openPost, setOpenPost] = useState<string | undefined>(undefined);
  const mine = player?.challenges.map((challenge) => challenge.challengeId) ?? [];
  const current = followed ?? mine[0];

  return (
    <main class="game">
      <Toasts toasts={toasts} />
      <Alert text={error} />
      {!player && !error && <p class="loading">Loading your game…</p>}
      {player && !player.registered && <Register userId={userId} />}
      {player?.registered && (
        <div class="columns">
          <div class="column">
            <PlayerCard player={player} />
            <Meals userId={userId} />
            <Water userId={userId} />
            <Goals player={player} />
          </div>
          <div class="column">
            {current ? (
              <ChallengeBoard challengeId={current} userId={userId} mine={mine} onChoose={setFollowed} />
            ) : (
              <Card id="no-challenge" title="No challenge yet" mark="green">
                <p class="muted">Join an open challenge below, or create one and invite your friends.</p>
              </Card>
            )}
            <ChallengeBrowse joined={mine} followed={current} refreshKey={refreshKey} onFollow={setFollowed} />
            <ChallengeCreate
              onCreated={(challengeId) => {
                setFollowed(challengeId);
                setRefreshKey((key) => key + 1);
              }}
            />
          </div>
          <div class="column">
            <Share userId={userId} onOpen={setOpenPost} />
            {openPost && <PostThread key={openPost} postId={openPost} userId={userId} onClose={() => setOpenPost(undefined)} />}
            <Friends player={player} onOpenPost={setOpenPost} />
            <Leaderboard userId={userId} />
            <Achievements unlocked={player.achievements} />
          </div>
        </div>
      )}
    </main>
  );
}
