import type { ScenarioName } from '../args.js';
import type { Player } from '../player.js';
import { joinChallenge, logMeal, logWater, register, setGoals, type Random } from './actions.js';

/** What a scenario needs to know about the player it drives. */
export interface Role {
  /** The player's number in the run (0-based). */
  index: number;
  /** The challenge this player takes part in, for scenarios that have challenges. */
  challengeId?: string;
}

/**
 * A scenario: what every player does once connected, then turn after turn until the load ends.
 * The worker runs players and waves; the scenario only says which commands.
 */
export interface Scenario {
  /** One line for the summary. */
  about: string;
  /** Players share challenges (created by the coordinator before the load). */
  challenges: boolean;
  /** Connections drop in waves and resume. */
  waves: boolean;
  setUp(player: Player, role: Role, random: Random): Promise<void>;
  turn(player: Player, role: Role, random: Random): Promise<unknown>;
}

async function playerSetUp(player: Player, role: Role, random: Random): Promise<void> {
  player.watchOwn();
  await register(player, role.index, random);
  await setGoals(player, random);
}

async function challengeSetUp(player: Player, role: Role, random: Random): Promise<void> {
  await playerSetUp(player, role, random);
  if (role.challengeId === undefined) throw new Error(`player ${role.index} has no challenge`);
  player.watchChallenge(role.challengeId);
  await joinChallenge(player, role.challengeId);
}

/** A day of a player compressed: mostly water, some meals, now and then new goals. */
function everyday(player: Player, random: Random): Promise<unknown> {
  const roll = random();
  if (roll < 0.55) return logWater(player, random);
  if (roll < 0.92) return logMeal(player, random);
  return setGoals(player, random);
}

export const scenarios: Record<ScenarioName, Scenario> = {
  'player-session': {
    about: 'players register, set goals, log meals and water, and watch their own user/<id>',
    challenges: false,
    waves: false,
    setUp: playerSetUp,
    turn: (player, _role, random) => everyday(player, random),
  },
  'challenge-rush': {
    about: 'players join one challenge (water-ml) and compete; every participant watches its ranking',
    challenges: true,
    waves: false,
    setUp: challengeSetUp,
    // Water moves the ranking; a meal now and then keeps the player's own topic honest.
    turn: (player, _role, random) => (random() < 0.85 ? logWater(player, random) : logMeal(player, random)),
  },
  'reconnect-storm': {
    about: 'players of shared challenges whose connections drop in waves and resume from their last versions',
    challenges: true,
    waves: true,
    setUp: challengeSetUp,
    turn: (player, _role, random) => everyday(player, random),
  },
};
