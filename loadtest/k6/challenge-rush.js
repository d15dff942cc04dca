// challenge-rush: many players join one challenge (CHALLENGE_SIZE per challenge) and compete by
// logging water; every participant watches the challenge, and every watcher's ranking update is
// timed from the command that caused it (gamifier_ranking_push_ms). See README.md.
import { config, options as sharedOptions } from './lib/options.js';
import { randomTag } from './lib/frames.js';
import { createChallenges, firstTime, hostPlayer, player, session, steps } from './lib/session.js';

export const options = sharedOptions({
  thresholds: { gamifier_ranking_push_ms: ['p(99)<' + config.pushP99Ms] },
});

export function setup() {
  const runId = config.runId || randomTag();
  const count = Math.ceil(config.vus / config.challengeSize);
  return { runId: runId, challenges: createChallenges(hostPlayer(runId), runId, count, 'k6 rush ' + runId) };
}

export default function (data) {
  const me = player(data.runId);
  const challengeId = data.challenges[Math.floor((__VU - 1) / config.challengeSize) % data.challenges.length];
  const first = [];
  if (firstTime('register')) first.push(steps.register(me), steps.goals(me));
  if (firstTime('join')) first.push(steps.join(challengeId));
  session({
    name: 'challenge-rush',
    topics: ['user/' + me.userId, 'challenge/' + challengeId],
    first: first,
    // Water moves the ranking; a meal now and then keeps the player's own topic honest.
    turn: () => (Math.random() < 0.85 ? steps.water(me) : steps.meal(me)),
    lifetimeMs: config.sessionS * 1000,
  });
}

