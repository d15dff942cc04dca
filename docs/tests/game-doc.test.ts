import { readdirSync, readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { challengeClientCommands, ChallengeErrorCode, challengeRules } from '../../actors/challenge/index.js';
import { likeClientCommands, LikeErrorCode } from '../../actors/like/index.js';
import { postClientCommands, PostErrorCode } from '../../actors/post/index.js';
import { levelThreshold, userClientCommands, UserErrorCode, userRules } from '../../actors/user/index.js';
import { FeedKind } from '../../game/read-models/friends-feed.js';
import { clientCommandPayloads } from '../../protocol/commands.js';
import { rewriteSections } from '../game-doc/markdown.js';
import { levelsShown } from '../game-doc/rule-tables.js';
import { schemaFields } from '../game-doc/schema-fields.js';
import { gameDocSections, typeSources } from '../game-doc/sections.js';
import { SourceTypes } from '../game-doc/type-fields.js';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const doc = read('docs/GAME.md');
/** The text of a `### ` section of docs/GAME.md, up to the next heading. */
const section = (heading: string) => {
  const from = doc.indexOf(`\n### ${heading}`);
  expect(from, `docs/GAME.md has a section "### ${heading}"`).toBeGreaterThan(0);
  const to = doc.indexOf('\n#', from + 1);
  return doc.slice(from, to < 0 ? undefined : to);
};
const row = (first: string) => new RegExp(`^\\| \`${first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\` \\|`, 'm');

describe('docs/GAME.md', () => {
  let sections: Record<string, string>;
  beforeAll(() => {
    sections = gameDocSections();
  }, 60_000);

  it('has its generated sections as the code generates them today (else: npm run docs:game)', () => {
    expect(rewriteSections(doc, sections) === doc, 'docs/GAME.md is out of date: run npm run docs:game').toBe(true);
  });

  it('names every client command, with each field of its payload and that field\'s limits', () => {
    const types = Object.keys(clientCommandPayloads);
    expect([...userClientCommands, ...challengeClientCommands, ...postClientCommands, ...likeClientCommands].sort()).toEqual([...types].sort());
    for (const [type, schema] of Object.entries(clientCommandPayloads)) {
      const text = section(`\`${type}\``);
      for (const field of schemaFields(schema)) {
        const line = text.split('\n').find((l) => l.startsWith(`| \`${field.path}\` |`));
        expect(line, `${type}: field ${field.path}`).toBeDefined();
        if (field.limits) expect(line).toContain(field.limits);
      }
    }
  });

  it('explains every rejection code of every actor, and every code their deciders use is catalogued', () => {
    const catalog = new Set<string>([...Object.values(UserErrorCode), ...Object.values(ChallengeErrorCode), ...Object.values(PostErrorCode), ...Object.values(LikeErrorCode)]);
    for (const reason of catalog) expect(doc, reason).toMatch(row(reason));
    const used = new Set<string>();
    for (const actor of ['user', 'challenge', 'post', 'like']) {
      for (const file of readdirSync(new URL(`../../actors/${actor}/`, import.meta.url))) {
        if (!file.endsWith('.ts') || file.endsWith('.test.ts') || file === 'errors.ts') continue;
        for (const match of read(`actors/${actor}/${file}`).matchAll(/\bCode\.([A-Z_]+)/g)) used.add(match[1]!);
      }
    }
    expect(used.size).toBeGreaterThan(40);
    for (const reason of used) expect(catalog.has(reason), `${reason} is returned by a decider but not catalogued`).toBe(true);
    expect([...catalog].filter((reason) => !used.has(reason)), 'catalogued codes no decider returns').toEqual([]);
  });

  it('names every event type with each field of its data', () => {
    const types = new SourceTypes([typeSources.userEvents, typeSources.challengeEvents]);
    const events = [...types.union(typeSources.userEvents, 'UserEvent'), ...types.union(typeSources.challengeEvents, 'ChallengeEvent')];
    expect(events.length).toBeGreaterThan(25);
    for (const { type, data } of events) {
      const line = doc.split('\n').find((l) => row(type).test(l));
      expect(line, type).toBeDefined();
      for (const field of data) expect(line, `${type}.${field.path}`).toContain(`\`${field.path}${field.optional ? '?' : ''}: `);
    }
  }, 60_000);

  it('has the level table and the achievement table of the rules', () => {
    for (let level = 1; level <= levelsShown; level++) {
      expect(doc).toMatch(new RegExp(`^\\| ${level} \\| ${levelThreshold(level).toLocaleString('en-US')} \\|$`, 'm'));
    }
    for (const [id, { rarity, points }] of Object.entries(userRules.achievements)) {
      expect(doc).toMatch(new RegExp(`^\\| \`${id}\` \\| ${rarity} \\| ${points} \\|`, 'm'));
    }
    for (const { days, points } of userRules.streak.milestones) expect(doc).toContain(`| a streak reaching ${days} days | ${points.toLocaleString('en-US')} |`);
  });

  it('names every challenge kind and feed kind', () => {
    for (const kind of challengeRules.kinds) expect(doc).toMatch(row(kind));
    for (const kind of Object.values(FeedKind)) expect(doc).toMatch(row(kind));
  });

  it('is linked from README and PROTOCOL.md', () => {
    expect(read('README.md')).toContain('[docs/GAME.md](docs/GAME.md)');
    expect(read('docs/PROTOCOL.md')).toContain('[GAME.md](GAME.md)');
  });
});
