/**
 * The game's read models above the generic store: their projections (`gameProjections`, run by
 * the store's `Projections`), their queries, the typing of the game's events as the log records
 * them, and the change signals their batches send on the bus to the watchers of every node.
 */
export * from './read-models/index.js';
export { gameEvents, type GameEvent } from './game-events.js';
export * from './changes/index.js';
export { gamePersonalData } from './personal-data.js';
export { forgetPlayer, type ForgetPlayerDeps } from './forget-player.js';
