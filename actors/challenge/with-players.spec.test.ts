import { describe, expect, it } from 'vitest';
import { foldEvents, initialFolded, lifecycleOf, type Folded } from '../runtime/fold.js';
import type { AnyActorType, Command, CommandOrigin, Decision } from '../runtime/types.js';
import { userActorType, type UserState } from '../user/index.js';
import { postActorType } from '../post/index.js';
import { challengeActorType, type ChallengeState } from './index.js';

/**
 * The player and challenge actors together, as the runtime runs them: effects are delivered after
 * the decision, and every message twice (with distinct ids), since delivery is at least once.
 */
class World {
  now = Date.parse('2026-01-01T12:00:00Z');
  private readonly actors = new Map<string, Folded<unknown>>();
  private readonly outbox: { to: string; type: string; payload: unknown }[] = [];
  private ids = 0;

  send(to: string, type: string, payload: unknown, origin: CommandOrigin = 'client', userId?: string): Decision {
    const actorType: AnyActorType = to.startsWith('user/') ? userActorType : to.startsWith('post/') ? postActorType : challengeActorType;
    const folded = this.actors.get(to) ?? initialFolded(actorType);
    const command: Command = { id: `w${++this.ids}`, type, payload, meta: { now: this.now, origin, ...(userId ? { userId } : {}) } };
    const decision = actorType.decide(folded.state, command, lifecycleOf(actorType, folded));
    if (decision.rejected) return decision;
    this.actors.set(to, foldEvents(actorType, decision.events, folded));
    for (const effect of decision.effects ?? []) {
      if (effect.kind === 'send') this.outbox.push({ to: effect.to, ...effect.command });
    }
    return decision;
  }

  as(userId: string, to: string, type: string, payload: unknown = {}): Decision {
    return this.send(to, type, payload, 'client', userId);
  }

  deliverTwice(): void {
    for (let message = this.outbox.shift(); message; message = this.outbox.shift()) {
      for (const attempt of [1, 2]) {
        const outcome = this.send(message.to, message.type, message.payload, 'actor');
        expect(outcome.rejected, `${message.type} to ${message.to} (attempt ${attempt}): ${JSON.stringify(outcome)}`).not.toBe(true);
      }
    }
  }

  user(id: string): UserState {
    return this.actors.get(`user/${id}`)!.state as UserState;
  }

  challenge(id: string): ChallengeState {
    return this.actors.get(`challenge/${id}`)!.state as ChallengeState;
  }
}

describe('a challenge with its players', () => {
  it('tracks, counts progress once, and rewards the winners once', () => {
    const world = new World();
    const hour = 3_600_000;
    for (const id of ['u1', 'u2', 'u3']) world.as(id, `user/${id}`, 'user.register', { displayName: id, timezone: 'Europe/Paris' });
    world.as('u1', 'challenge/c7', 'challenge.create', {
      challengeId: 'c7', title: 'Drink up', kind: 'water-ml', startsAt: world.now + hour, endsAt: world.now + 25 * hour, maxParticipants: 10,
    });
    world.as('u2', 'challenge/c7', 'challenge.join');
    world.as('u3', 'challenge/c7', 'challenge.join');
    world.deliverTwice();
    expect(Object.keys(world.user('u2').challenges)).toEqual(['c7']);

    world.now += 2 * hour;
    world.send('challenge/c7', 'challenge.start', {}, 'timer');
    world.as('u2', 'user/u2', 'water.log', { ml: 1500, drankAt: world.now });
    world.as('u2', 'user/u2', 'water.log', { ml: 500, drankAt: world.now });
    world.as('u3', 'user/u3', 'water.log', { ml: 700, drankAt: world.now });
    world.deliverTwice();
    expect(world.challenge('c7').participants).toMatchObject({ u2: { score: 2000 }, u3: { score: 700 } });

    world.now += 24 * hour;
    world.send('challenge/c7', 'challenge.end', {}, 'timer');
    world.send('challenge/c7', 'challenge.end', {}, 'timer');
    world.deliverTwice();

    expect(world.challenge('c7').finalRanking?.map((entry) => [entry.userId, entry.score])).toEqual([['u2', 2000], ['u3', 700]]);
    // u2: hydrated (+10), first place (+300) and challenge-winner (+100); u3: second place (+150).
    expect(world.user('u2')).toMatchObject({ points: 410, level: 3, achievements: ['hydrated', 'challenge-winner'], challenges: {} });
    expect(world.user('u3')).toMatchObject({ points: 150, level: 2, achievements: [], challenges: {} });
  });

  it('makes two players friends on both sides', () => {
    const world = new World();
    for (const id of ['u1', 'u2']) world.as(id, `user/${id}`, 'user.register', { displayName: id, timezone: 'UTC' });
    world.as('u1', 'user/u1', 'friend.request', { userId: 'u2' });
    world.deliverTwice();
    world.as('u2', 'user/u2', 'friend.accept', { userId: 'u1' });
    world.deliverTwice();
    expect(world.user('u1')).toMatchObject({ friends: { u2: true }, requestsSent: {} });
    expect(world.user('u2')).toMatchObject({ friends: { u1: true }, requestsReceived: {} });

    world.as('u2', 'user/u2', 'friend.remove', { userId: 'u1' });
    world.deliverTwice();
    expect(world.user('u1').friends).toEqual({});
    expect(world.user('u2').friends).toEqual({});
  });
});
