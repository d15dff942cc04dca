import { describe, expect, it } from 'vitest';
import { gameProjections } from '../index.js';

// Databases in use serve these read models: `read_model_generations` and the checkpoints are
// keyed by name, the views by table name, and a new version rebuilds. Moving the read models
// (store/projections/read-models → game/read-models) kept them, so a database projected before
// the move serves the same generation after it. Change one only on purpose (a rebuild follows).
describe('the game read models a database knows', () => {
  it('keeps their names, versions and views', () => {
    expect(gameProjections.map((p) => [p.name, p.version, p.tables.map((t) => t.name)])).toEqual([
      ['leaderboard', 1, ['rm_leaderboard', 'rm_leaderboard_scores']],
      ['profiles', 1, ['rm_profile', 'rm_profile_achievement']],
      ['nutrition_days', 1, ['rm_nutrition_day']],
      ['friends_feed', 2, ['rm_feed_friend', 'rm_feed_player', 'rm_feed_challenge', 'rm_feed_activity', 'rm_feed_post', 'rm_feed_like']],
      ['challenge_directory', 1, ['rm_challenge', 'rm_challenge_participant']],
    ]);
  });
});
