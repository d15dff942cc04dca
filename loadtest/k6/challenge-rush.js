// challenge-rush: many players join one challenge (CHALLENGE_SIZE per challenge) and compete by
// logging water; every participant watches the challenge, and every watcher's ranking update is
// timed from the command that caused it (gamifier_ranking_push_ms). See README.md.
import { challengeSize, config, leaveAtMs, options as sharedOptions } from './lib/options.js';
import { randomTag } from './lib/frames.js';
import { createChallenges, firstTime, hostPlayer, idle, player, session, steps } from './lib/session.js';

export const options = sharedOptions({
  thresholds: { gamifier_ranking_push_ms: ['p(99)<' + config.pushP99Ms] },
});

const size = challengeSize(1000);

export function setup() {
  const runId = config.runId || randomTag();
  const count = Math.ceil(config.vus / size);
  const challenges = createChallenges(hostPlayer(runId), runId, count, 'k6 rush ' + runId, size);
  // The stages begin when setup returns.
  return { runId: runId, challenges: challenges, startedAt: Date.now() };
}

export default function (data) {
  const me = player(data.runId);
  const challengeId = data.challenges[Math.floor((__VU - 1) / size) % data.challenges.length];
  const first = [];
  if (firstTime('register')) first.push(steps.register(me), steps.goals(me));
  if (firstTime('join')) first.push(steps.join(challengeId));
  const played = session({
    name: 'challenge-rush',
    topics: ['user/' + me.userId, 'challenge/' + challengeId],
    first: first,
    // Water moves the ranking; a meal now and then keeps the player's own topic honest.
    turn: () => (Math.random() < 0.85 ? steps.water(me) : steps.meal(me)),
    lifetimeMs: config.sessionS * 1000,
    leaveAt: leaveAtMs(data.startedAt, __VU),
  });
  if (!played) idle();
}

