// The k6 side of a player: its identity, one WebSocket session (hello, watch, commands at a
// human pace, resume after a drop), and the custom metrics every script reports.
import ws from 'k6/ws';
import http from 'k6/http';
import { check, fail, sleep } from 'k6';
import { Counter, Rate, Trend } from 'k6/metrics';
import { SharedArray } from 'k6/data';
import { config, FINISH_MS, totalMs } from './options.js';
import { challenge, command, commandId, encode, goals, hello, meal, ping, registration, sentAtOf, subscribe, SUBPROTOCOL, water } from './frames.js';
import { onAck, onEvent, onOwnEvent, onOwnSnap, onSnap, pushTimer, watched } from './versions.js';

export const metrics = {
  /** Command sent → its ack. */
  ack: new Trend('gamifier_cmd_ack_ms', true),
  /** Command sent → its event pushed to the player's own `user/<id>` watch. */
  push: new Trend('gamifier_cmd_push_ms', true),
  /** A player's command → the ranking update it caused, pushed to every watcher of the challenge. */
  ranking: new Trend('gamifier_ranking_push_ms', true),
  /** Commands answered `err` (or unanswered), connections refused, frames the server refused. */
  errors: new Rate('gamifier_errors'),
  /** Versions skipped by a push (a gap), or acknowledged and never delivered. */
  missed: new Counter('gamifier_events_missed'),
  /** Events pushed again at or below the last version applied. */
  duplicated: new Counter('gamifier_events_duplicated'),
  pushes: new Counter('gamifier_pushes'),
  resumes: new Counter('gamifier_resumed_subscriptions'),
  /** Resumes (`sub` with `fromVersion`) the server answered with a whole snap instead of the missed events. */
  resumedBySnap: new Counter('gamifier_resumed_by_snap'),
  /** Commands a drop caught unanswered, sent again with the same id on the next connection. */
  resent: new Counter('gamifier_cmd_resent'),
};

/** How long a connection must have been welcomed before what was acknowledged earlier must have arrived on it (ms). */
const RESUME_MS = 2000;

const tokens = config.tokensFile
  ? new SharedArray('tokens', function () {
      return JSON.parse(open(config.tokensFile));
    })
  : null;

/** What a VU keeps from one iteration (one connection) to the next. */
const vu = {
  player: null,
  seq: 0,
  meals: 0,
  /** topic → { last, resyncing } */
  topics: {},
  timer: pushTimer(),
  /** Commands sent and not answered: resent, with the same ids, on the next connection. */
  pending: {},
  /** The command the player waits for before its next move. */
  waiting: null,
  once: {},
  /** Own-topic versions already counted as acknowledged but never delivered (counted once). */
  missedUpTo: 0,
  /** topic → true while a resume (`sub` with `fromVersion`) waits for its first answer. */
  resuming: {},
};

/** True the first time a VU asks for `key` (register once, join once…). */
export function firstTime(key) {
  if (vu.once[key]) return false;
  vu.once[key] = true;
  return true;
}

/** The player this VU plays: the VU's line of TOKENS_FILE, or `k6-<run>-<vu>` with a dev token. */
export function player(runId) {
  if (vu.player) return vu.player;
  if (tokens) {
    if (__VU > tokens.length) fail('TOKENS_FILE holds ' + tokens.length + ' tokens; VU ' + __VU + ' needs one of its own');
    const entry = tokens[__VU - 1];
    vu.player = { userId: entry.userId, token: entry.token, index: __VU };
  } else {
    const userId = 'k6-' + runId + '-' + __VU;
    vu.player = { userId: userId, token: devToken(userId), index: __VU };
  }
  return vu.player;
}

/** Who creates the run's challenges in `setup()`: the first player of TOKENS_FILE, or `k6-<run>-host`. */
export function hostPlayer(runId) {
  if (tokens) return { userId: tokens[0].userId, token: tokens[0].token, index: 0 };
  const userId = 'k6-' + runId + '-host';
  return { userId: userId, token: devToken(userId), index: 0 };
}

/** `POST /v1/auth/dev-token` (development mode only). */
export function devToken(userId) {
  const res = http.post(config.baseUrl + '/v1/auth/dev-token', JSON.stringify({ userId: userId }), {
    headers: { 'content-type': 'application/json' },
    tags: { name: 'dev-token' },
  });
  const ok = check(res, { 'dev token issued': (r) => r.status === 200 });
  if (!ok) fail('POST /v1/auth/dev-token answered ' + res.status + ' (a server in production mode needs TOKENS_FILE): ' + res.body);
  return res.json('token');
}

/** The commands players send, as steps of a session. */
export const steps = {
  register: (me) => ({ to: 'user/' + me.userId, type: 'user.register', payload: registration(me.index, Math.random), tolerated: ['USER_ALREADY_REGISTERED'] }),
  goals: (me) => ({ to: 'user/' + me.userId, type: 'goal.set', payload: goals(Math.random) }),
  meal: (me) => ({ to: 'user/' + me.userId, type: 'meal.log', payload: meal('m' + Date.now().toString(36) + '-' + ++vu.meals, Date.now(), Math.random) }),
  water: (me) => ({ to: 'user/' + me.userId, type: 'water.log', payload: water(Date.now(), Math.random) }),
  join: (challengeId) => ({ to: 'challenge/' + challengeId, type: 'challenge.join', payload: {}, tolerated: ['CHALLENGE_ALREADY_JOINED'] }),
  /** A day compressed: mostly water, some meals, now and then new goals. */
  everyday(me) {
    const roll = Math.random();
    if (roll < 0.55) return steps.water(me);
    if (roll < 0.92) return steps.meal(me);
    return steps.goals(me);
  },
};

/** Exponential around the mean (people are bursty), clamped. */
export function thinkTime() {
  const draw = -Math.log(1 - Math.random()) * config.thinkMs;
  return Math.min(4 * config.thinkMs, Math.max(config.thinkMs / 10, draw));
}

/**
 * One connection of the VU's player, blocking until it closes. It says hello, watches `topics`
 * (resuming from the versions this VU applied before), sends again what a dropped connection left
 * unanswered, then `first` steps and a `turn()` every think time. At `lifetimeMs` it closes
 * gracefully, after the player's own pushes caught up; with `dropAtMs` it is cut then instead,
 * with a command in flight (reconnect-storm: the one on the wire, else the next turn sent at
 * once). It never outlives `leaveAt` (epoch ms, leaveAtMs): the session that reaches it is the
 * player's last, and ends gracefully, with its final checks, a few seconds before. Returns
 * false when there is no time left for a session.
 *
 * "Acknowledged but never delivered" is checked on every connection: a graceful close waits for
 * every acknowledged version of the player's own topic; a cut connection that was welcomed for
 * RESUME_MS counts the versions acknowledged before it began that it never delivered.
 */
export function session(plan) {
  const me = vu.player;
  const own = 'user/' + me.userId;
  const startedAt = Date.now();
  const lastEnd = plan.leaveAt - FINISH_MS;
  if (lastEnd - startedAt < 1000) return false;
  const last = startedAt + plan.lifetimeMs >= lastEnd;
  const endsAt = last ? lastEnd : startedAt + plan.lifetimeMs;
  const dropAtMs = last ? undefined : plan.dropAtMs;
  const ackedBefore = vu.timer.ackedVersion;
  let welcomedAt = 0;
  const queue = plan.first ? plan.first.slice() : [];
  // Thresholds need the counters to exist even when nothing goes wrong.
  metrics.missed.add(0);
  metrics.duplicated.add(0);
  let welcomed = false;
  let closing = false;
  let pings = 0;

  const res = ws.connect(config.wsUrl, { headers: { 'Sec-WebSocket-Protocol': SUBPROTOCOL }, tags: { scenario: plan.name } }, function (socket) {
    const send = (frame) => socket.send(encode(frame));
    const lastOf = (topic) => (vu.topics[topic] ? vu.topics[topic].last : undefined);

    function close() {
      closing = true;
      socket.close();
    }

    /** Counts, once, the own-topic versions up to `upTo` that an ack reported and no push delivered. */
    function owed(upTo) {
      const delivered = Math.max(lastOf(own) || 0, vu.missedUpTo);
      if (upTo <= delivered) return;
      metrics.missed.add(upTo - delivered, { topic: 'user' });
      vu.missedUpTo = upTo;
    }

    /** The storm's cut: a command is in flight (the one on the wire, or the next turn, sent now). */
    function cut() {
      if (closing) return;
      if (!vu.waiting) issue(queue.length > 0 ? queue.shift() : plan.turn());
      if (welcomedAt > 0 && Date.now() - welcomedAt >= RESUME_MS) owed(ackedBefore);
      close();
    }

    function issue(step) {
      const sentAt = Date.now();
      const frame = command(commandId('k6.' + me.userId, ++vu.seq, sentAt), step.to, step.type, step.payload);
      vu.pending[frame.id] = { frame: frame, sentAt: sentAt, tolerated: step.tolerated || [], resent: false };
      vu.waiting = frame.id;
      transmit(frame.id);
    }

    /** Sends a pending command; no answer within COMMAND_TIMEOUT_MS is an error. */
    function transmit(id) {
      send(vu.pending[id].frame);
      socket.setTimeout(function () {
        if (closing || !vu.pending[id]) return;
        metrics.errors.add(true, { code: 'COMMAND_TIMEOUT' });
        console.warn(me.userId + ': no answer to ' + vu.pending[id].frame.type + ' within ' + config.commandTimeoutMs + ' ms');
        answered(id);
      }, config.commandTimeoutMs);
    }

    function next() {
      if (closing || vu.waiting) return;
      if (queue.length > 0) return issue(queue.shift());
      const pause = thinkTime();
      if (Date.now() + pause >= endsAt) {
        if (dropAtMs === undefined) finish();
        return;
      }
      socket.setTimeout(function () {
        queue.push(plan.turn());
        next();
      }, pause);
    }

    function answered(id) {
      delete vu.pending[id];
      if (vu.waiting !== id) return;
      vu.waiting = null;
      next();
    }

    /** A graceful end: wait (at most 2 s) until every acked version of the own topic arrived. */
    function finish() {
      closing = true;
      const deadline = Date.now() + 2000;
      (function attempt() {
        const delivered = lastOf(own) || 0;
        const pending = Object.keys(vu.pending);
        if ((delivered >= vu.timer.ackedVersion && pending.length === 0) || Date.now() >= deadline) {
          owed(vu.timer.ackedVersion);
          for (const id of pending) {
            metrics.errors.add(true, { code: 'UNANSWERED' });
            delete vu.pending[id];
          }
          vu.waiting = null;
          socket.close();
          return;
        }
        socket.setTimeout(attempt, 50);
      })();
    }

    function receive(frame) {
      const now = Date.now();
      switch (frame.t) {
        case 'welcome': {
          welcomed = true;
          welcomedAt = now;
          for (const topic of plan.topics) {
            const state = vu.topics[topic] || (vu.topics[topic] = watched());
            if (state.last !== undefined) metrics.resumes.add(1);
            vu.resuming[topic] = state.last !== undefined;
            send(subscribe(topic, state.last));
          }
          for (const id of Object.keys(vu.pending)) {
            vu.pending[id].resent = true;
            metrics.resent.add(1);
            transmit(id);
          }
          return next();
        }
        case 'ack': {
          const sent = vu.pending[frame.id];
          if (!sent) return undefined;
          const tags = { resent: String(sent.resent) };
          metrics.ack.add(now - sent.sentAt, tags);
          metrics.errors.add(false);
          if (sent.frame.to === own) {
            const timed = onAck(vu.timer, frame.version, sent.sentAt, lastOf(own), tags);
            if (timed) metrics.push.add(timed.latency, timed.meta);
          }
          return answered(frame.id);
        }
        case 'err': {
          const sent = frame.id === undefined ? undefined : vu.pending[frame.id];
          const tolerated = sent && frame.reason !== undefined && sent.tolerated.indexOf(frame.reason) >= 0;
          if (!tolerated) {
            metrics.errors.add(true, { code: frame.code });
            console.warn(me.userId + ': ' + frame.code + (frame.reason ? ' ' + frame.reason : '') + ': ' + frame.message);
          }
          if (sent) answered(frame.id);
          return undefined;
        }
        case 'snap': {
          const state = vu.topics[frame.topic];
          if (!state) return undefined;
          if (vu.resuming[frame.topic]) metrics.resumedBySnap.add(1);
          vu.resuming[frame.topic] = false;
          onSnap(state, frame.version);
          if (frame.topic === own) onOwnSnap(vu.timer, frame.version);
          return undefined;
        }
        case 'evt': {
          const state = vu.topics[frame.topic];
          if (!state) return undefined;
          vu.resuming[frame.topic] = false;
          metrics.pushes.add(1);
          const outcome = onEvent(state, frame.version);
          const kind = frame.topic.split('/')[0];
          if (outcome.kind === 'duplicate') metrics.duplicated.add(1, { topic: kind });
          if (outcome.kind === 'gap') {
            if (outcome.missing > 0) metrics.missed.add(outcome.missing, { topic: kind });
            if (outcome.resubscribe) send(subscribe(frame.topic, state.last));
          }
          if (outcome.kind !== 'apply') return undefined;
          if (frame.topic === own) {
            const timed = onOwnEvent(vu.timer, frame.version, now);
            if (timed) metrics.push.add(timed.latency, timed.meta);
          } else if (frame.event && frame.event.type === 'challenge.progress.recorded') {
            const sentAt = sentAtOf(frame.event.data && frame.event.data.sourceEventId);
            if (sentAt !== undefined) metrics.ranking.add(now - sentAt);
          }
          return undefined;
        }
        default:
          return undefined; // pong, bye (the close follows), and frames newer than this script
      }
    }

    socket.on('open', () => send(hello(me.token)));
    socket.on('message', (data) => {
      let frame;
      try {
        frame = JSON.parse(data);
      } catch (error) {
        metrics.errors.add(true, { code: 'FRAME_UNREADABLE' });
        return;
      }
      receive(frame);
    });
    socket.on('error', (error) => {
      if (closing) return;
      metrics.errors.add(true, { code: 'SOCKET_ERROR' });
      console.warn(me.userId + ': ' + (error && error.error ? error.error() : error));
    });
    socket.on('close', () => {
      closing = true;
    });
    socket.setTimeout(function () {
      if (welcomed) return;
      metrics.errors.add(true, { code: 'NO_WELCOME' });
      close();
    }, 10000);
    if (dropAtMs !== undefined) socket.setTimeout(cut, dropAtMs);
    socket.setInterval(() => send(ping(++pings)), 25000);
    // However the session goes, it ends: the graceful close waits at most a few seconds. One
    // that had to be ended here lost its final checks: that is an error, not silence.
    socket.setTimeout(function () {
      if (closing) return;
      metrics.errors.add(true, { code: 'SESSION_OVERRAN' });
      console.warn(me.userId + ': the session did not end by itself; its final checks did not run');
      close();
    }, endsAt - startedAt + FINISH_MS);
  });
  const upgraded = check(res, { 'websocket upgraded (101)': (r) => r !== undefined && r !== null && r.status === 101 });
  if (!upgraded) metrics.errors.add(true, { code: 'UPGRADE_FAILED' });
  return true;
}

/**
 * What a VU does once its player has left (leaveAtMs) and k6 has not yet taken the VU away:
 * nothing, in short iterations, so that the VU ends as soon as k6 asks.
 */
export function idle() {
  sleep(1);
}

/**
 * Creates `count` challenges for the run, as `host` (in `setup()`, before the players), for
 * `challengeSize` players each: a water-ml challenge open at once and running past the end of
 * the test. Returns their ids.
 */
export function createChallenges(host, runId, count, title, challengeSize) {
  const ids = [];
  for (let k = 0; k < count; k++) ids.push('k6-' + runId + '-c' + k);
  let created = 0;
  let refusal = null;
  ws.connect(config.wsUrl, { headers: { 'Sec-WebSocket-Protocol': SUBPROTOCOL }, tags: { name: 'setup' } }, function (socket) {
    socket.on('open', () => socket.send(encode(hello(host.token))));
    socket.on('message', (data) => {
      const frame = JSON.parse(data);
      if (frame.t === 'welcome') {
        const startsAt = frame.serverTime;
        ids.forEach((id, k) => {
          const size = Math.min(challengeSize, config.vus - k * challengeSize);
          const payload = challenge(title + ' #' + (k + 1), startsAt, startsAt + totalMs() + 600000, Math.max(2, size));
          socket.send(encode(command(commandId('k6.setup.' + runId, k + 1, Date.now()), 'challenge/' + id, 'challenge.create', payload)));
        });
      } else if (frame.t === 'ack') {
        created++;
        if (created === ids.length) socket.close();
      } else if (frame.t === 'err') {
        refusal = frame;
        socket.close();
      }
    });
    socket.setTimeout(() => socket.close(), 60000);
  });
  if (refusal || created < ids.length) {
    fail('could not create the challenges: ' + (refusal ? refusal.code + ' ' + (refusal.reason || '') + ' ' + refusal.message : 'no answer in 60 s'));
  }
  return ids;
}
