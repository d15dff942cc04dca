import { describe, expect, it } from 'vitest';
import { command, spec } from '../runtime/spec.js';
import type { Effect } from '../runtime/types.js';
import type { ChallengeCommand } from './commands.js';
import { ChallengeErrorCode as Code } from './errors.js';
import { challengeActorType as challenge } from './index.js';
import { challengeRules } from './rules.js';
import {
  by, cancelled, created, createPayload, creator, day, definition, endsAt, joined, noon, openChallenge, opened, runningChallenge, started, startsAt, timer, untrack,
} from './tests/fixtures.js';

const { settleMs, opensBeforeStartMs } = challengeRules.window;
const schedule = (key: string, at: number, type: string): Effect => ({ kind: 'schedule', key, at, command: { type, payload: {} } });
const create = (payload: Partial<typeof createPayload> & { target?: number } = {}, userId = creator) =>
  by(userId, 'challenge.create', { ...createPayload, ...payload });

describe('challenge: creation', () => {
  it('creates a challenge starting within a week as open, with durable start and end timers', () => {
    spec(challenge).given([]).when(create()).then(
      [created(), opened],
      [schedule('start', startsAt, 'challenge.start'), schedule('end', endsAt + settleMs, 'challenge.end')],
    );
  });

  it('creates a challenge starting later as scheduled, with an open timer a week before the start', () => {
    const later = { startsAt: noon + 30 * day, endsAt: noon + 37 * day };
    const opensAt = later.startsAt - opensBeforeStartMs;
    const when = spec(challenge).given([]).when(create(later));
    when.then(
      [created({ ...later, opensAt })],
      [schedule('open', opensAt, 'challenge.open'), schedule('start', later.startsAt, 'challenge.start'), schedule('end', later.endsAt + settleMs, 'challenge.end')],
    );
    expect(spec(challenge).given([created({ ...later, opensAt })]).lifecycle).toBe('scheduled');
  });

  it('keeps an optional target and the creator', () => {
    spec(challenge).given([]).when(create({ target: 10_000 })).then([created({ target: 10_000 }), opened]);
  });

  it('rejects creating it twice', () => {
    spec(challenge).given(openChallenge()).when(create()).thenRejected(Code.CHALLENGE_ALREADY_EXISTS);
  });

  it('rejects a creation without an authenticated player', () => {
    spec(challenge).given([]).when(command<ChallengeCommand>('challenge.create', createPayload)).thenRejected(Code.CHALLENGE_PLAYER_REQUIRED);
  });

  it('rejects a bad id, title, kind or target', () => {
    spec(challenge).given([]).when(create({ challengeId: 'c/7' })).thenRejected(Code.CHALLENGE_ID_INVALID);
    spec(challenge).given([]).when(create({ title: ' ' })).thenRejected(Code.CHALLENGE_TITLE_INVALID);
    spec(challenge).given([]).when(create({ kind: 'steps' as never })).thenRejected(Code.CHALLENGE_KIND_INVALID);
    spec(challenge).given([]).when(create({ target: 0 })).thenRejected(Code.CHALLENGE_TARGET_INVALID);
  });

  it('rejects a window that ends before it starts, is too short or too long, or starts in the past', () => {
    spec(challenge).given([]).when(create({ endsAt: startsAt - 1 })).thenRejected(Code.CHALLENGE_WINDOW_INVALID);
    spec(challenge).given([]).when(create({ endsAt: startsAt + 1000 })).thenRejected(Code.CHALLENGE_WINDOW_INVALID);
    spec(challenge).given([]).when(create({ endsAt: startsAt + 91 * day })).thenRejected(Code.CHALLENGE_WINDOW_INVALID);
    spec(challenge).given([]).when(create({ startsAt: noon - day, endsAt: noon + day })).thenRejected(Code.CHALLENGE_WINDOW_INVALID);
  });

  it('rejects a capacity outside 2 to 1000 or not whole', () => {
    for (const maxParticipants of [1, 1001, 2.5]) {
      spec(challenge).given([]).when(create({ maxParticipants })).thenRejected(Code.CHALLENGE_CAPACITY_INVALID);
    }
  });

  it('rejects every other command before creation', () => {
    spec(challenge).given([]).when(by('u2', 'challenge.join', {})).thenRejected(Code.CHALLENGE_NOT_FOUND);
    spec(challenge).given([]).when(timer('challenge.end')).thenRejected(Code.CHALLENGE_NOT_FOUND);
  });

  it('rejects a payload that is not an object', () => {
    spec(challenge).given([]).when(by(creator, 'challenge.create', 'c7' as never)).thenRejected(Code.CHALLENGE_PAYLOAD_INVALID);
  });
});

describe('challenge: timers', () => {
  it('opens when the open timer fires, once', () => {
    const scheduled = [created({ opensAt: noon })];
    spec(challenge).given(scheduled).when(timer('challenge.open')).then([opened]);
    spec(challenge).given([...scheduled, opened]).when(timer('challenge.open')).then([]);
  });

  it('starts when the start timer fires, once', () => {
    spec(challenge).given(openChallenge()).when(timer('challenge.start')).then([started]);
    spec(challenge).given(runningChallenge()).when(timer('challenge.start')).then([]);
    expect(spec(challenge).given(runningChallenge()).lifecycle).toBe('running');
  });

  it('starts even if the open timer has not fired yet', () => {
    spec(challenge).given([created()]).when(timer('challenge.start')).then([started]);
  });

  it('ignores timers that fire after a cancellation', () => {
    for (const type of ['challenge.open', 'challenge.start', 'challenge.end'] as const) {
      spec(challenge).given([...openChallenge(), cancelled]).when(timer(type)).then([]);
    }
  });
});

describe('challenge: cancellation', () => {
  it('lets the creator cancel before it runs: timers dropped, participants untracked', () => {
    const when = spec(challenge).given([...openChallenge(), joined('u2'), joined('u3')]).when(by(creator, 'challenge.cancel', {}));
    when.then([cancelled], [
      { kind: 'cancel', key: 'open' },
      { kind: 'cancel', key: 'start' },
      { kind: 'cancel', key: 'end' },
      untrack('u2'),
      untrack('u3'),
    ]);
    expect(spec(challenge).given([...openChallenge(), cancelled]).lifecycle).toBe('cancelled');
  });

  it('can cancel a scheduled challenge', () => {
    spec(challenge).given([created()]).when(by(creator, 'challenge.cancel', {})).then([cancelled]);
  });

  it('rejects a cancellation by anyone but the creator', () => {
    spec(challenge).given(openChallenge()).when(by('u2', 'challenge.cancel', {})).thenRejected(Code.CHALLENGE_NOT_CREATOR);
  });

  it('rejects cancelling once it runs, is finished or is already cancelled', () => {
    spec(challenge).given(runningChallenge()).when(by(creator, 'challenge.cancel', {})).thenRejected(Code.CHALLENGE_NOT_CANCELLABLE);
    spec(challenge).given([...runningChallenge(), { type: 'challenge.finished', data: { ranking: [] } }]).when(by(creator, 'challenge.cancel', {}))
      .thenRejected(Code.CHALLENGE_NOT_CANCELLABLE);
    spec(challenge).given([...openChallenge(), cancelled]).when(by(creator, 'challenge.cancel', {})).thenRejected(Code.CHALLENGE_NOT_CANCELLABLE);
  });

  it('rejects cancelling past startsAt, even before the start timer fired', () => {
    spec(challenge).given(openChallenge()).when(by(creator, 'challenge.cancel', {}, { now: startsAt })).thenRejected(Code.CHALLENGE_NOT_CANCELLABLE);
  });

  it('records the definition in the state', () => {
    expect(spec(challenge).given(openChallenge()).state.definition).toEqual(definition);
  });
});
