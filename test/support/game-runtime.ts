// The game's actors over a store, as server/bootstrap.ts wires them (personal data encrypted, the
// outbox forgetting deleted players), for tests that run the runtime without the whole server.
import { randomBytes } from 'node:crypto';
import { challengeActorType } from '../../actors/challenge/index.js';
import { likeActorType } from '../../actors/like/index.js';
import { postActorType } from '../../actors/post/index.js';
import type { Clock, RuntimeSettings } from '../../actors/runtime/index.js';
import { ActorRuntime } from '../../actors/runtime/runtime.js';
import { userActorType } from '../../actors/user/index.js';
import { forgetPlayer, gamePersonalData } from '../../game/index.js';
import { MasterKeyring, openStore, type OpenStore } from '../../store/index.js';
import { withBackground } from './background.js';
import { postgresUrl } from './services.js';

/** A PostgreSQL store in `schema`, with the game's personal fields encrypted under a fresh master key. */
export function openGameStore(schema: string): Promise<OpenStore> {
  return openStore({
    databaseUrl: postgresUrl,
    dataDir: 'memory',
    poolSize: 8,
    schema,
    personalData: { policy: gamePersonalData, keyring: new MasterKeyring([{ id: 'k1', key: randomBytes(32) }]) },
  });
}

/** The four actor types on `opened`, with the outbox and timers (polling every 20 ms) and the forget hook; the caller starts it. */
export function gameRuntime(opened: OpenStore, clock: Clock, settings: Partial<RuntimeSettings> = {}): ActorRuntime {
  const actors = new ActorRuntime([userActorType, challengeActorType, postActorType, likeActorType], { store: opened.store, deadLetters: opened.deadLetters, clock, settings });
  return withBackground(actors, opened, { clock, pollMs: 20, forget: forgetPlayer({ sql: opened.sql, keys: opened.subjectKeys!, dispatcher: actors }) });
}
