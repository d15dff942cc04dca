import { describe, expect, it } from 'vitest';
import { command, spec } from '../runtime/spec.js';
import type { ChallengeCommand } from './commands.js';
import type { ChallengeEvent } from './events.js';
import { ChallengeErrorCode as Code } from './errors.js';
import { challengeActorType as challenge } from './index.js';
import {
  by, cancelled, created, endsAt, joined, left, noon, openChallenge, progress, recorded, runningChallenge, startsAt, track, untrack,
} from './tests/fixtures.js';

const finished: ChallengeEvent = { type: 'challenge.finished', data: { ranking: [] } };
const join = (userId: string, now = noon) => by(userId, 'challenge.join', {}, { now });

describe('challenge: joining', () => {
  it('lets a player join an open challenge, and tells their actor to track it', () => {
    spec(challenge).given(openChallenge()).when(join('u2')).then([joined('u2')], [track('u2')]);
  });

  it('lets a player join a running challenge', () => {
    spec(challenge).given(runningChallenge()).when(join('u2', startsAt + 1000)).then([joined('u2', startsAt + 1000)], [track('u2')]);
  });

  it('rejects joining a scheduled, finished or cancelled challenge', () => {
    spec(challenge).given([created()]).when(join('u2')).thenRejected(Code.CHALLENGE_NOT_JOINABLE);
    spec(challenge).given([...runningChallenge(), finished]).when(join('u2')).thenRejected(Code.CHALLENGE_NOT_JOINABLE);
    spec(challenge).given([...openChallenge(), cancelled]).when(join('u2')).thenRejected(Code.CHALLENGE_NOT_JOINABLE);
  });

  it('rejects joining after endsAt, before the end timer has fired', () => {
    spec(challenge).given(runningChallenge()).when(join('u2', endsAt)).thenRejected(Code.CHALLENGE_NOT_JOINABLE);
  });

  it('rejects joining a full challenge, open or running', () => {
    const three = [joined('u2'), joined('u3'), joined('u4')];
    spec(challenge).given([...openChallenge(), ...three]).when(join('u5')).thenRejected(Code.CHALLENGE_FULL);
    spec(challenge).given([...runningChallenge(), ...three]).when(join('u5', startsAt)).thenRejected(Code.CHALLENGE_FULL);
  });

  it('has room again once someone leaves', () => {
    spec(challenge).given([...openChallenge(), joined('u2'), joined('u3'), joined('u4'), left('u3')]).when(join('u5')).then([joined('u5')]);
  });

  it('rejects joining twice', () => {
    spec(challenge).given([...openChallenge(), joined('u2')]).when(join('u2')).thenRejected(Code.CHALLENGE_ALREADY_JOINED);
  });

  it('rejects a join without an authenticated player', () => {
    spec(challenge).given(openChallenge()).when(command<ChallengeCommand>('challenge.join', {})).thenRejected(Code.CHALLENGE_PLAYER_REQUIRED);
  });
});

describe('challenge: leaving', () => {
  it('lets a participant leave, and tells their actor to untrack it', () => {
    const when = spec(challenge).given([...runningChallenge(), joined('u2')]).when(by('u2', 'challenge.leave', {}));
    when.then([left('u2')], [untrack('u2')]);
    expect(when.stateAfter()).toMatchObject({ participants: {}, participantCount: 0 });
  });

  it('lets a participant leave an open challenge', () => {
    spec(challenge).given([...openChallenge(), joined('u2')]).when(by('u2', 'challenge.leave', {})).then([left('u2')]);
  });

  it('rejects leaving a challenge one is not in', () => {
    spec(challenge).given(runningChallenge()).when(by('u2', 'challenge.leave', {})).thenRejected(Code.CHALLENGE_NOT_PARTICIPANT);
  });

  it('rejects leaving once finished', () => {
    spec(challenge).given([...runningChallenge(), joined('u2'), finished]).when(by('u2', 'challenge.leave', {})).thenRejected(Code.CHALLENGE_NOT_LEAVABLE);
  });

  it('drops the score of who leaves: rejoining starts from 0', () => {
    const history = [...runningChallenge(), joined('u2'), recorded('u2', 500, 500, 'u2:a:0', startsAt + 1), left('u2')];
    const state = spec(challenge).given(history).when(join('u2', startsAt + 2)).stateAfter();
    expect(state.participants.u2).toEqual({ userId: 'u2', joinedAt: startsAt + 2, score: 0, reachedAt: startsAt + 2 });
  });

  it('never counts the same progress again after a rejoin', () => {
    const history = [...runningChallenge(), joined('u2'), recorded('u2', 500, 500, 'u2:a:0', startsAt + 1), left('u2'), joined('u2', startsAt + 2)];
    spec(challenge).given(history).when(progress('u2', 500, 'u2:a:0', startsAt + 1)).then([]);
  });
});
