import { describe, expect, it } from 'vitest';
import { command, spec } from '../runtime/spec.js';
import type { ChallengeCommand } from './commands.js';
import { ChallengeErrorCode as Code } from './errors.js';
import { challengeActorType as challenge, rankingOf } from './index.js';
import { cancelled, endsAt, hour, joined, noon, openChallenge, progress, recorded, runningChallenge, startsAt } from './tests/fixtures.js';

const t = (hours: number) => startsAt + hours * hour;
const withPlayers = [...runningChallenge(), joined('u2'), joined('u3'), joined('u4')];

describe('challenge: progress', () => {
  it("adds a participant's progress to their score", () => {
    spec(challenge).given([...withPlayers, recorded('u2', 250, 250, 'u2:a:0', t(1))]).when(progress('u2', 500, 'u2:b:0', t(2)))
      .then([recorded('u2', 500, 750, 'u2:b:0', t(2))]);
  });

  it('counts each sourceEventId once, however often it is delivered', () => {
    spec(challenge).given([...withPlayers, recorded('u2', 250, 250, 'u2:a:0', t(1))]).when(progress('u2', 250, 'u2:a:0', t(1))).then([]);
  });

  it('counts only progress made between startsAt and endsAt', () => {
    spec(challenge).given(withPlayers).when(progress('u2', 100, 'u2:a:0', startsAt - 1)).then([]);
    spec(challenge).given(withPlayers).when(progress('u2', 100, 'u2:a:0', endsAt)).then([]);
    spec(challenge).given(withPlayers).when(progress('u2', 100, 'u2:a:0', startsAt)).then([recorded('u2', 100, 100, 'u2:a:0', startsAt)]);
    spec(challenge).given(withPlayers).when(progress('u2', 100, 'u2:a:0', endsAt - 1)).then([recorded('u2', 100, 100, 'u2:a:0', endsAt - 1)]);
  });

  it('judges the window by when the player made the progress, not when it arrives', () => {
    spec(challenge).given(withPlayers).when(progress('u2', 100, 'u2:a:0', endsAt - 1, { now: endsAt + 2000 })).then([recorded('u2', 100, 100, 'u2:a:0', endsAt - 1)]);
  });

  it("uses the command's time when the progress carries none", () => {
    const cmd = command<ChallengeCommand>('challenge.progress.record', { userId: 'u2', delta: 5, sourceEventId: 's1' } as never, { origin: 'actor', now: t(3) });
    spec(challenge).given(withPlayers).when(cmd).then([recorded('u2', 5, 5, 's1', t(3))]);
  });

  it('counts progress made after startsAt that arrives before the start timer fired', () => {
    spec(challenge).given([...openChallenge(), joined('u2')]).when(progress('u2', 100, 'u2:a:0', startsAt + 10)).then([recorded('u2', 100, 100, 'u2:a:0', startsAt + 10)]);
  });

  it('ignores progress of a non-participant, or after the end or a cancellation', () => {
    spec(challenge).given(withPlayers).when(progress('u9', 100, 'u9:a:0', t(1))).then([]);
    spec(challenge).given([...withPlayers, { type: 'challenge.finished', data: { ranking: [] } }]).when(progress('u2', 100, 'u2:a:0', t(1))).then([]);
    spec(challenge).given([...openChallenge(), joined('u2'), cancelled]).when(progress('u2', 100, 'u2:a:0', t(1))).then([]);
  });

  it('caps the score at the target, so reaching it first wins a tie', () => {
    const history = [...runningChallenge({ target: 1000 }), joined('u2'), recorded('u2', 800, 800, 'u2:a:0', t(1))];
    spec(challenge).given(history).when(progress('u2', 500, 'u2:b:0', t(2))).then([recorded('u2', 200, 1000, 'u2:b:0', t(2))]);
    spec(challenge).given([...history, recorded('u2', 200, 1000, 'u2:b:0', t(2))]).when(progress('u2', 500, 'u2:c:0', t(3))).then([]);
  });

  it('rejects progress without a player, a positive delta or a source id', () => {
    spec(challenge).given(withPlayers).when(progress('', 100, 's1', t(1))).thenRejected(Code.CHALLENGE_PROGRESS_INVALID);
    spec(challenge).given(withPlayers).when(progress('u2', 0, 's1', t(1))).thenRejected(Code.CHALLENGE_PROGRESS_INVALID);
    spec(challenge).given(withPlayers).when(progress('u2', -5, 's1', t(1))).thenRejected(Code.CHALLENGE_PROGRESS_INVALID);
    spec(challenge).given(withPlayers).when(progress('u2', 5, '', t(1))).thenRejected(Code.CHALLENGE_PROGRESS_INVALID);
  });
});

describe('challenge: live ranking', () => {
  it('ranks by score, highest first', () => {
    const state = spec(challenge).given([...withPlayers, recorded('u3', 300, 300, 'a', t(1)), recorded('u2', 500, 500, 'b', t(2))]).state;
    expect(rankingOf(state)).toEqual([
      { rank: 1, userId: 'u2', score: 500, reachedAt: t(2) },
      { rank: 2, userId: 'u3', score: 300, reachedAt: t(1) },
      { rank: 3, userId: 'u4', score: 0, reachedAt: noon },
    ]);
  });

  it('ranks an equal score by who reached it first', () => {
    const history = [...withPlayers, recorded('u2', 300, 300, 'a', t(5)), recorded('u3', 100, 100, 'b', t(1)), recorded('u3', 200, 300, 'c', t(3))];
    expect(rankingOf(spec(challenge).given(history).state).map((entry) => entry.userId)).toEqual(['u3', 'u2', 'u4']);
  });

  it('ranks participants without progress by who joined first', () => {
    const state = spec(challenge).given([...runningChallenge(), joined('u9', startsAt + 5), joined('u8', startsAt + 9)]).state;
    expect(rankingOf(state).map((entry) => entry.userId)).toEqual(['u9', 'u8']);
  });
});
