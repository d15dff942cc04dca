// What every script shares: the target and the sizes (from the environment, `k6 run -e NAME=value`),
// the stages (ramp up, hold, ramp down), when each player leaves, and the thresholds that fail
// the run. Written for k6 v0.48 or later.

const env = typeof __ENV === 'undefined' ? {} : __ENV;

function number(name, fallback) {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!isFinite(value) || value < 0) throw new Error(name + '=' + raw + ': expected a number');
  return value;
}

/** `30s`, `1m`, `1m30s`, `2h`, `500ms` → milliseconds (k6's duration strings). */
export function durationMs(text) {
  const units = { ms: 1, s: 1000, m: 60000, h: 3600000 };
  const parts = String(text).match(/(\d+(?:\.\d+)?)(ms|s|m|h)/g);
  if (!parts || parts.join('') !== String(text)) throw new Error(text + ': expected a duration such as 30s, 1m30s or 2h');
  let total = 0;
  for (const part of parts) {
    const match = /(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(part);
    total += Number(match[1]) * units[match[2]];
  }
  return total;
}

const baseUrl = (env.BASE_URL || 'http://127.0.0.1:8080').replace(/\/+$/, '');

export const config = {
  /** The server (or the cluster's load balancer): HTTP for dev tokens, `<url>/v1/ws` for the socket. */
  baseUrl: baseUrl,
  wsUrl: env.WS_URL || baseUrl.replace(/^http/, 'ws') + '/v1/ws',
  /** A JSON file `[{"userId", "token"}…]` (absolute path), instead of dev tokens. */
  tokensFile: env.TOKENS_FILE || '',
  /** Peak virtual users, one player (and one connection) each. */
  vus: number('VUS', 50),
  rampUp: env.RAMP_UP || '30s',
  hold: env.HOLD || '1m',
  rampDown: env.RAMP_DOWN || '30s',
  /** How long one connection lasts before the player closes the app and opens it again (s). */
  sessionS: number('SESSION_S', 60),
  /** Mean pause between two commands of a player (ms). */
  thinkMs: number('THINK_MS', 2000),
  /** Players per challenge (challenge-rush, reconnect-storm), at most 1000; unset: the script's own default. */
  challengeSize: env.CHALLENGE_SIZE ? Math.min(1000, Math.max(2, number('CHALLENGE_SIZE', 1000))) : undefined,
  /** reconnect-storm: seconds between waves, and the share of connections each wave drops. */
  waveEveryS: number('WAVE_EVERY_S', 10),
  waveFraction: Math.min(1, number('WAVE_FRACTION', 0.3)),
  /** How long a command waits for its answer before it counts as an error (ms). */
  commandTimeoutMs: number('COMMAND_TIMEOUT_MS', 10000),
  /** The push budget: p99 from a command to the watchers' screens (ms). */
  pushP99Ms: number('PUSH_P99_MS', 100),
  /** Names this run's players (`k6-<run>-<vu>`); random unless given. */
  runId: env.RUN_ID || '',
};

/** Players per challenge: CHALLENGE_SIZE, or the script's default (challenge-rush 1000, reconnect-storm 50). */
export function challengeSize(fallback) {
  return config.challengeSize || fallback;
}

export function stages() {
  return [
    { duration: config.rampUp, target: config.vus },
    { duration: config.hold, target: config.vus },
    { duration: config.rampDown, target: 0 },
  ];
}

/** The whole run, ramps included (ms). */
export function totalMs() {
  return durationMs(config.rampUp) + durationMs(config.hold) + durationMs(config.rampDown);
}

/** How long a leaving player's last session takes to close gracefully at most (its final checks). */
export const FINISH_MS = 2500;

/**
 * When VU `vu` ends its last session (epoch ms), for a run whose stages began at `startedAt`:
 * the players leave one after another over the ramp-down, the highest VU first, so that the
 * number of players connected follows the ramp-down stage. A session never outlives this: the
 * player's last session ends gracefully, with its final checks, by then.
 */
export function leaveAtMs(startedAt, vu) {
  const holdEnd = startedAt + durationMs(config.rampUp) + durationMs(config.hold);
  const share = (config.vus - Math.min(Math.max(vu, 1), config.vus)) / config.vus;
  return holdEnd + durationMs(config.rampDown) * share;
}

/** What fails a run: a slow push, more than 0.1 % errors, any missed or duplicated event. */
export const thresholds = {
  gamifier_cmd_push_ms: ['p(99)<' + config.pushP99Ms],
  gamifier_errors: ['rate<0.001'],
  gamifier_events_missed: ['count==0'],
  gamifier_events_duplicated: ['count==0'],
};

/**
 * A script's `options`: the shared stages and thresholds, plus its own (`thresholds`), minus
 * `without`. One ramping-vus scenario whose stages mean what they say: every session ends by
 * itself by the end of the stages (leaveAtMs), so k6 never has to cut one. A VU that k6 takes
 * away early in the ramp-down may finish its session (gracefulRampDown: the whole ramp-down, which
 * that session never outlasts); at the end, gracefulStop leaves 5 s for the last graceful closes.
 * A run lasts setup (creating challenges, a few seconds) + RAMP_UP + HOLD + RAMP_DOWN.
 */
export function options(own) {
  const chosen = Object.assign({}, thresholds, (own && own.thresholds) || {});
  for (const name of (own && own.without) || []) delete chosen[name];
  return {
    scenarios: {
      players: {
        executor: 'ramping-vus',
        startVUs: 0,
        stages: stages(),
        gracefulRampDown: config.rampDown,
        gracefulStop: '5s',
      },
    },
    thresholds: chosen,
    setupTimeout: '120s',
    summaryTrendStats: ['avg', 'min', 'med', 'p(90)', 'p(99)', 'p(99.9)', 'max', 'count'],
  };
}
