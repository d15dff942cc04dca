import { clientCommandPayloads, commandTarget, type ClientCommandType } from '../../protocol/commands.js';
import { challengeEventNotes, commandSummaries, likeEventNotes, postEventNotes, userEventNotes, viewFieldNotes } from './descriptions.js';
import { table } from './markdown.js';
import { challengeRejections, fieldRules, likeRejections, postRejections, userRejections, type RejectionDoc } from './rejections.js';
import { achievementTable, levelTable, lifecycleTable, playerLimitsTable, pointsTable, socialLimitsTable } from './rule-tables.js';
import { schemaFields, type SchemaField } from './schema-fields.js';
import { SourceTypes, type Field } from './type-fields.js';

/** The sources whose types docs/GAME.md lists: the actors' events, their views, and the read-model topics' rows. */
export const typeSources = {
  userEvents: 'actors/user/events.ts',
  challengeEvents: 'actors/challenge/events.ts',
  postEvents: 'actors/post/events.ts',
  likeEvents: 'actors/like/events.ts',
  userView: 'actors/user/view.ts',
  challengeView: 'actors/challenge/view.ts',
  postView: 'actors/post/view.ts',
  readModelTopics: 'server/gateway/topics/read-models.ts',
} as const;

/** The named types that events and snaps refer to, each listed once. */
const sharedTypes = [
  [typeSources.userEvents, 'Food'],
  [typeSources.userEvents, 'Totals'],
  [typeSources.userEvents, 'NutritionGoal'],
  [typeSources.challengeEvents, 'ChallengeDefinition'],
  [typeSources.challengeEvents, 'RankingEntry'],
] as const;

const code = (text: string) => `\`${text}\``;
/** `name?: type` as one code span. */
const typed = (field: Field) => code(`${field.path}${field.optional ? '?' : ''}: ${field.type}`);

/**
 * Every generated section of docs/GAME.md, by the name its markers carry. Reads the code: the
 * command schemas, the rejection catalogs, the rule tables and (through the TypeScript checker)
 * the event and view types.
 */
export function gameDocSections(): Record<string, string> {
  const types = new SourceTypes(Object.values(typeSources));
  return {
    commands: commandsSection(),
    rejections: [
      `### Player (\`user/<id>\`)\n\n${rejectionTable(userRejections)}`,
      `### Challenge (\`challenge/<id>\`)\n\n${rejectionTable(challengeRejections)}`,
      `### Post (\`post/<id>\`)\n\n${rejectionTable(postRejections)}`,
      `### Like (\`like/<postId>@<userId>\`)\n\n${rejectionTable(likeRejections)}`,
    ].join('\n\n'),
    points: pointsTable(),
    levels: levelTable(),
    achievements: achievementTable(),
    'player-limits': playerLimitsTable(),
    lifecycle: lifecycleTable(),
    'social-limits': socialLimitsTable(),
    events: [
      `### Player (\`user/<id>\`)\n\n${eventTable(types.union(typeSources.userEvents, 'UserEvent'), userEventNotes)}`,
      `### Challenge (\`challenge/<id>\`)\n\n${eventTable(types.union(typeSources.challengeEvents, 'ChallengeEvent'), challengeEventNotes)}`,
      `### Post (\`post/<id>\`)\n\n${eventTable(types.union(typeSources.postEvents, 'PostEvent'), postEventNotes)}`,
      `### Like (\`like/<postId>@<userId>\`)\n\n${eventTable(types.union(typeSources.likeEvents, 'LikeEvent'), likeEventNotes)}`,
      `### Types they use\n\n${sharedTypes.map(([file, name]) => `**${name}**: ${types.object(file, name).map((f) => typed(f)).join(', ')}`).join('\n\n')}`,
    ].join('\n\n'),
    'snap-user': viewTable(types.object(typeSources.userView, 'UserView'), viewFieldNotes.user),
    'snap-challenge': viewTable(types.object(typeSources.challengeView, 'ChallengeView'), viewFieldNotes.challenge),
    'snap-post': viewTable(types.object(typeSources.postView, 'PostView'), viewFieldNotes.post),
    'snap-leaderboard': viewTable(types.object(typeSources.readModelTopics, 'LeaderboardRow'), viewFieldNotes.leaderboard),
    'snap-feed': viewTable(types.object(typeSources.readModelTopics, 'FeedRow'), viewFieldNotes.feed),
  };
}

/** The codes a command can be refused with, client-reachable ones only. */
function rejectionsOf(type: ClientCommandType): string[] {
  const catalogs: Record<(typeof commandTarget)[ClientCommandType], Record<string, RejectionDoc>> = {
    user: userRejections,
    challenge: challengeRejections,
    post: postRejections,
    like: likeRejections,
  };
  const catalog = catalogs[commandTarget[type]];
  return Object.entries(catalog)
    .filter(([, doc]) => doc.reach === 'client' && (doc.commands.includes(type) || (doc.commands.includes('any') && type !== 'user.register')))
    .map(([reason]) => code(reason));
}

function commandsSection(): string {
  return Object.entries(clientCommandPayloads)
    .map(([type, schema]) => {
      const commandType = type as ClientCommandType;
      const to = addressOf(commandType);
      const fields = schemaFields(schema);
      const rules: Record<string, string> = fieldRules[commandType] ?? {};
      const limits = (f: SchemaField) => [f.limits, rules[f.path]].filter(Boolean).join('; ');
      const body = fields.length === 0
        ? 'Payload: `{}`.'
        : table(['field', 'type', 'required', 'limits'], fields.map((f) => [code(f.path), f.type, f.required ? 'yes' : 'no', limits(f)]));
      const reasons = rejectionsOf(commandType);
      const refused = `Rejections (\`CMD_REJECTED\`, \`reason\`): ${reasons.length > 0 ? reasons.join(', ') : 'none'}.`;
      return `### \`${type}\` → ${to}\n\n${commandSummaries[commandType]}\n\n${body}\n\n${refused}`;
    })
    .join('\n\n');
}

/** Where a client sends a command, as docs/GAME.md writes it. */
function addressOf(type: ClientCommandType): string {
  switch (commandTarget[type]) {
    case 'user': return '`user/<your id>`';
    case 'post': return '`post/<id>`';
    case 'like': return '`like/<postId>@<your id>`';
    case 'challenge': return type === 'challenge.create' ? '`challenge/<new id>`' : '`challenge/<id>`';
  }
}

function rejectionTable(catalog: Readonly<Record<string, RejectionDoc>>): string {
  const reach = { client: 'yes', schema: 'no: refused before, as said', system: 'no: between actors only' } as const;
  const rows = Object.entries(catalog).map(([reason, doc]) => [code(reason), doc.commands.map((c) => (c === 'any' ? 'any' : code(c))).join(', '), doc.when, reach[doc.reach]]);
  return table(['reason', 'commands', 'when', 'a client gets it'], rows);
}

function eventTable(events: readonly { type: string; data: Field[] }[], notes: Readonly<Record<string, string>>): string {
  const rows = events.map(({ type, data }) => {
    const note = notes[type];
    if (note === undefined) throw new Error(`docs/game-doc/descriptions.ts does not say when ${type} happens`);
    return [code(type), data.length === 0 ? '`{}`' : data.map((f) => typed(f)).join(', '), note];
  });
  return table(['event', 'data', 'when'], rows);
}

function viewTable(fields: readonly Field[], notes: Readonly<Record<string, string>>): string {
  const rows = fields.map((field) => {
    const note = notes[field.path];
    if (note === undefined) throw new Error(`docs/game-doc/descriptions.ts does not describe the snap field ${field.path}`);
    return [code(field.path), code(field.type) + (field.optional ? ' (optional)' : ''), note];
  });
  return table(['field', 'type', 'meaning'], rows);
}
