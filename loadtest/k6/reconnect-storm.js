// reconnect-storm: players of shared challenges lose their connections in waves (every
// WAVE_EVERY_S seconds, each VU with probability WAVE_FRACTION) while the challenge keeps moving.
// A wave cuts a connection while a command is in flight (the one on the wire, or the player's next
// turn, sent at once). Each player comes back after a short backoff, resumes every topic from the
// last version it applied and sends its unanswered commands again with the same ids
// (gamifier_cmd_resent). Any event missed or doubled across the drops, and any version
// acknowledged but never delivered, counts in gamifier_events_missed / gamifier_events_duplicated.
// See README.md.
import { sleep } from 'k6';
import { challengeSize, config, leaveAtMs, options as sharedOptions } from './lib/options.js';
import { randomTag } from './lib/frames.js';
import { createChallenges, firstTime, hostPlayer, idle, player, session, steps } from './lib/session.js';

export const options = sharedOptions({
  // A command caught by a drop waits for the reconnection: only the others are held to the budget.
  without: ['gamifier_cmd_push_ms'],
  thresholds: {
    'gamifier_cmd_push_ms{resent:false}': ['p(99)<' + config.pushP99Ms],
    // A storm without a single resumed subscription, or without a command sent again, tested nothing.
    gamifier_resumed_subscriptions: ['count>0'],
    gamifier_cmd_resent: ['count>0'],
  },
});

const size = challengeSize(50);

export function setup() {
  const runId = config.runId || randomTag();
  const count = Math.ceil(config.vus / size);
  const challenges = createChallenges(hostPlayer(runId), runId, count, 'k6 storm ' + runId, size);
  // The stages begin when setup returns.
  return { runId: runId, challenges: challenges, startedAt: Date.now() };
}

/** Milliseconds until the next wave this VU is caught in: waves fall on multiples of WAVE_EVERY_S. */
function untilDrop() {
  const every = config.waveEveryS * 1000;
  const now = Date.now();
  let at = Math.ceil((now + 1) / every) * every;
  while (Math.random() >= config.waveFraction) at += every;
  return at - now + Math.random() * 50;
}

export default function (data) {
  const me = player(data.runId);
  const challengeId = data.challenges[Math.floor((__VU - 1) / size) % data.challenges.length];
  const first = [];
  if (firstTime('register')) first.push(steps.register(me), steps.goals(me));
  if (firstTime('join')) first.push(steps.join(challengeId));
  const dropAtMs = untilDrop();
  const played = session({
    name: 'reconnect-storm',
    topics: ['user/' + me.userId, 'challenge/' + challengeId],
    first: first,
    turn: () => steps.everyday(me),
    lifetimeMs: dropAtMs + 1000,
    dropAtMs: dropAtMs,
    leaveAt: leaveAtMs(data.startedAt, __VU),
  });
  if (!played) return idle();
  // The first reconnection attempt's backoff (docs/PROTOCOL.md): 250 ms minus up to half.
  sleep(0.125 + Math.random() * 0.125);
}
