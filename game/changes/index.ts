export { readModelChangePublisher } from './publish.js';
export { ReadModelChanges } from './read-model-changes.js';
export { feedChangedSubject, leaderboardChangedSubject, type FeedChange } from './subjects.js';
