// player-session: each VU is a player who registers once, sets goals when they open the app, logs
// meals and water at a human pace and watches their own user/<id>. Measures command → ack and
// command → push. See README.md for how to run it.
import { config, options as sharedOptions } from './lib/options.js';
import { randomTag } from './lib/frames.js';
import { firstTime, player, session, steps } from './lib/session.js';

export const options = sharedOptions();

export function setup() {
  return { runId: config.runId || randomTag() };
}

export default function (data) {
  const me = player(data.runId);
  const first = firstTime('register') ? [steps.register(me), steps.goals(me)] : [steps.goals(me)];
  session({
    name: 'player-session',
    topics: ['user/' + me.userId],
    first: first,
    turn: () => steps.everyday(me),
    lifetimeMs: config.sessionS * 1000,
  });
}
