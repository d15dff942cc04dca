// player-session: each VU is a player who registers once, sets goals when they open the app, logs
// meals and water at a human pace and watches their own user/<id>. Measures command → ack and
// command → push. See README.md for how to run it.
import { config, leaveAtMs, options as sharedOptions } from './lib/options.js';
import { randomTag } from './lib/frames.js';
import { firstTime, idle, player, session, steps } from './lib/session.js';

export const options = sharedOptions();

export function setup() {
  // The stages begin when setup returns.
  return { runId: config.runId || randomTag(), startedAt: Date.now() };
}

export default function (data) {
  const leaveAt = leaveAtMs(data.startedAt, __VU);
  if (Date.now() >= leaveAt) return idle();
  const me = player(data.runId);
  const first = firstTime('register') ? [steps.register(me), steps.goals(me)] : [steps.goals(me)];
  const played = session({
    name: 'player-session',
    topics: ['user/' + me.userId],
    first: first,
    turn: () => steps.everyday(me),
    lifetimeMs: config.sessionS * 1000,
    leaveAt: leaveAt,
  });
  if (!played) idle();
}
