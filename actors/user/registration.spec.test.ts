import { describe, expect, it } from 'vitest';
import { command, spec } from '../runtime/spec.js';
import type { UserCommand } from './commands.js';
import { UserErrorCode as Code } from './errors.js';
import { userActorType as user } from './index.js';
import { goalSet, me, mine, registered } from './tests/fixtures.js';

const register = (payload: { displayName: string; timezone: string }, meta: { userId?: string } = { userId: me }) =>
  command<UserCommand>('user.register', payload, meta);

describe('user: registration', () => {
  it('registers the authenticated player under the canonical name of their timezone', () => {
    spec(user).given([]).when(register({ displayName: ' Ada ', timezone: 'america/los_angeles' }))
      .then([{ type: 'user.registered', data: { userId: me, displayName: 'Ada', timezone: 'America/Los_Angeles' } }]);
  });

  it('moves the lifecycle from unregistered to active', () => {
    expect(spec(user).given([]).lifecycle).toBe('unregistered');
    expect(spec(user).given([registered()]).lifecycle).toBe('active');
  });

  it('rejects registering twice', () => {
    spec(user).given([registered()]).when(register({ displayName: 'Ada', timezone: 'UTC' })).thenRejected(Code.USER_ALREADY_REGISTERED);
  });

  it('rejects a registration without an authenticated player', () => {
    spec(user).given([]).when(register({ displayName: 'Ada', timezone: 'UTC' }, {})).thenRejected(Code.USER_ID_MISSING);
  });

  it('rejects an unknown timezone', () => {
    spec(user).given([]).when(register({ displayName: 'Ada', timezone: 'Mars/Olympus_Mons' })).thenRejected(Code.USER_TIMEZONE_INVALID);
  });

  it('rejects a blank or too long display name', () => {
    spec(user).given([]).when(register({ displayName: '   ', timezone: 'UTC' })).thenRejected(Code.USER_DISPLAY_NAME_INVALID);
    spec(user).given([]).when(register({ displayName: 'x'.repeat(41), timezone: 'UTC' })).thenRejected(Code.USER_DISPLAY_NAME_INVALID);
  });

  it('rejects every other command before registration', () => {
    spec(user).given([]).when(mine('water.log', { ml: 250, drankAt: Date.parse('2026-01-01T12:00:00Z') })).thenRejected(Code.USER_NOT_REGISTERED);
  });

  it("rejects a client command carrying another player's id", () => {
    spec(user).given([registered()]).when(command<UserCommand>('goal.set', { calories: 2000, proteinG: 100, carbsG: 250, fatG: 70, waterMl: 2000 }, { userId: 'intruder' }))
      .thenRejected(Code.USER_FORBIDDEN);
  });

  it('rejects a payload that is not an object', () => {
    spec(user).given([registered()]).when(command<UserCommand>('meal.log', null as never, { userId: me })).thenRejected(Code.USER_PAYLOAD_INVALID);
  });

  it('rejects a command type it does not know', () => {
    spec(user).given([registered()]).when(command<UserCommand>('user.explode' as never, {} as never, { userId: me })).thenRejected(Code.USER_COMMAND_UNKNOWN);
  });
});

describe('user: profile', () => {
  it('records only the fields that change', () => {
    spec(user).given([registered()]).when(mine('profile.update', { displayName: 'Ada', avatar: 'https://cdn/a.png', timezone: 'Europe/Paris' }))
      .then([{ type: 'user.profile.updated', data: { avatar: 'https://cdn/a.png', timezone: 'Europe/Paris' } }]);
  });

  it('accepts an update that changes nothing without an event', () => {
    spec(user).given([registered()]).when(mine('profile.update', { displayName: 'Ada' })).then([]);
  });

  it('rejects an empty update', () => {
    spec(user).given([registered()]).when(mine('profile.update', {})).thenRejected(Code.PROFILE_UPDATE_EMPTY);
  });

  it('rejects a bad display name, avatar or timezone', () => {
    spec(user).given([registered()]).when(mine('profile.update', { displayName: '' })).thenRejected(Code.USER_DISPLAY_NAME_INVALID);
    spec(user).given([registered()]).when(mine('profile.update', { avatar: 'x'.repeat(513) })).thenRejected(Code.USER_AVATAR_INVALID);
    spec(user).given([registered()]).when(mine('profile.update', { timezone: 'Nowhere/Town' })).thenRejected(Code.USER_TIMEZONE_INVALID);
  });
});

describe('user: nutrition goal', () => {
  const goal = { calories: 2200, proteinG: 120, carbsG: 250, fatG: 70, waterMl: 2500 };

  it('sets the goal', () => {
    const given = spec(user).given([registered()]);
    const when = given.when(mine('goal.set', goal));
    when.then([{ type: 'nutrition.goal.set', data: goal }]);
    expect(when.stateAfter().goal).toEqual(goal);
  });

  it('replaces an earlier goal', () => {
    spec(user).given([registered(), goalSet()]).when(mine('goal.set', goal)).then([{ type: 'nutrition.goal.set', data: goal }]);
  });

  it('rejects a goal without positive calories and water, or with a negative macro', () => {
    spec(user).given([registered()]).when(mine('goal.set', { ...goal, calories: 0 })).thenRejected(Code.GOAL_INVALID);
    spec(user).given([registered()]).when(mine('goal.set', { ...goal, waterMl: -1 })).thenRejected(Code.GOAL_INVALID);
    spec(user).given([registered()]).when(mine('goal.set', { ...goal, proteinG: -5 })).thenRejected(Code.GOAL_INVALID);
    spec(user).given([registered()]).when(mine('goal.set', { ...goal, fatG: Number.NaN })).thenRejected(Code.GOAL_INVALID);
  });
});
