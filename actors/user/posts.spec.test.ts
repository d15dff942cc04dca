import { describe, expect, it } from 'vitest';
import { spec } from '../runtime/spec.js';
import type { Effect } from '../runtime/types.js';
import { derivedPostId } from '../domain/contracts.js';
import { UserErrorCode as Code } from './errors.js';
import type { UserEvent } from './events.js';
import { userActorType as user } from './index.js';
import { userRules } from './rules.js';
import { fromActor, me, mine, noon, pointsHistory, registered } from './tests/fixtures.js';

const created = (postId: string, text: string, at = noon): UserEvent => ({ type: 'social.post.created', data: { postId, kind: 'text', text, data: {}, at } });
const publish = (postId: string, kind: string, text: string, data: Record<string, string | number> = {}): Effect => ({
  kind: 'send',
  to: `post/${postId}`,
  command: { type: 'post.publish', payload: { postId, authorId: me, kind, text, data, createdAt: noon } },
});
const hour = 3_600_000;

describe('user: writing a post', () => {
  it('records it and publishes it to post/<postId>', () => {
    spec(user).given([registered()]).when(mine('post.create', { postId: 'p1', text: ' Oats again ' })).then([created('p1', 'Oats again')], [publish('p1', 'text', 'Oats again')]);
  });

  it('rejects a post id that is not one, and an empty or too long text', () => {
    spec(user).given([registered()]).when(mine('post.create', { postId: 'p@1', text: 'Hi' })).thenRejected(Code.POST_ID_INVALID);
    spec(user).given([registered()]).when(mine('post.create', { postId: 'x'.repeat(41), text: 'Hi' })).thenRejected(Code.POST_ID_INVALID);
    spec(user).given([registered()]).when(mine('post.create', { postId: 'p1', text: ' ' })).thenRejected(Code.POST_TEXT_INVALID);
    spec(user).given([registered()]).when(mine('post.create', { postId: 'p1', text: 'x'.repeat(userRules.posts.textMaxLength + 1) })).thenRejected(Code.POST_TEXT_INVALID);
  });

  it('rejects a 21st post within a day, and takes one when the oldest is a day old', () => {
    const day = Array.from({ length: userRules.posts.maxPerWindow }, (_, i) => created(`p${i}`, 'Hi', noon - 23 * hour + i));
    spec(user).given([registered(), ...day]).when(mine('post.create', { postId: 'last', text: 'Hi' })).thenRejected(Code.POST_RATE_LIMITED);
    spec(user).given([registered(), ...day]).when(mine('post.create', { postId: 'last', text: 'Hi' }, { now: noon + hour })).then([created('last', 'Hi', noon + hour)]);
  });

  it('keeps only the rate window\'s posts in its state', () => {
    const many = Array.from({ length: 100 }, (_, i) => created(`p${i}`, 'Hi', noon + i * hour));
    expect(spec(user).given([registered(), ...many]).state.recentPosts.length).toBeLessThanOrEqual(userRules.posts.maxPerWindow);
  });

  it('is the player\'s own: another player\'s command is refused', () => {
    spec(user).given([registered()]).when(mine('post.create', { postId: 'p1', text: 'Hi' }, { userId: 'u9' })).thenRejected(Code.USER_FORBIDDEN);
  });
});

describe('user: moments shared as posts (the sharing rules)', () => {
  const typesOf = (events: readonly UserEvent[]) => events.map((event) => event.type);

  it('shares levels from level 5, each with an id derived from the player and the level', () => {
    const when = spec(user).given([registered(), ...pointsHistory(900)]).when(fromActor('points.award', { amount: 100, reason: 'bonus', sourceId: 'b1' }));
    when.then([
      { type: 'points.earned', data: { amount: 100, reason: 'bonus', sourceId: 'b1' } },
      { type: 'user.level.up', data: { level: 5 } },
      { type: 'social.post.created', data: { postId: derivedPostId(`${me}\u0000level:5`), kind: 'level', text: 'Reached level 5', data: { level: 5 }, at: noon } },
    ]);
  });

  it('does not share levels below 5', () => {
    const when = spec(user).given([registered()]).when(fromActor('points.award', { amount: 100, reason: 'bonus', sourceId: 'b1' }));
    if (when.decision.rejected) throw new Error('rejected');
    expect(typesOf(when.decision.events)).not.toContain('social.post.created');
  });

  it('shares a legendary achievement (legend at level 20)', () => {
    const when = spec(user).given([registered(), ...pointsHistory(18_900)]).when(fromActor('points.award', { amount: 100, reason: 'bonus', sourceId: 'b1' }));
    if (when.decision.rejected) throw new Error('rejected');
    const shared = when.decision.events.filter((event) => event.type === 'social.post.created').map((event) => event.data);
    expect(shared).toContainEqual(expect.objectContaining({ kind: 'achievement', data: { achievementId: 'legend', rarity: 'legendary' } }));
  });

  it('shares a challenge won once per win, with its title, and not its achievement', () => {
    const grant = (sourceId: string) => fromActor('achievement.grant', { achievementId: 'challenge-winner', sourceId, challengeTitle: 'Water week' });
    const postId = derivedPostId(`${me}\u0000challenge:c7:winner`);
    const first = spec(user).given([registered()]).when(grant('challenge:c7:winner'));
    if (first.decision.rejected) throw new Error('rejected');
    const shared = first.decision.events.filter((event) => event.type === 'social.post.created');
    expect(shared).toEqual([{ type: 'social.post.created', data: { postId, kind: 'challenge-won', text: 'Won the challenge "Water week"', data: { title: 'Water week' }, at: noon, sourceId: 'challenge:c7:winner' } }]);
    spec(user).given([registered(), ...first.decision.events]).when(grant('challenge:c7:winner')).then([]);
    const second = spec(user).given([registered(), ...first.decision.events]).when(grant('challenge:c8:winner'));
    if (second.decision.rejected) throw new Error('rejected');
    expect(typesOf(second.decision.events)).toEqual(['social.post.created']);
  });

  it('rejects a grant without a source, or with a title that is too long', () => {
    spec(user).given([registered()]).when(fromActor('achievement.grant', { achievementId: 'challenge-winner', sourceId: '' })).thenRejected(Code.ACHIEVEMENT_GRANT_INVALID);
    spec(user).given([registered()]).when(fromActor('achievement.grant', { achievementId: 'challenge-winner', sourceId: 's', challengeTitle: 'x'.repeat(81) })).thenRejected(Code.ACHIEVEMENT_GRANT_INVALID);
  });
});
