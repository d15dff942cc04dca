export { ErrorCode, errorCatalog, GamifierError, retryableCodes, isRetryable } from './errors.js';
export type { ErrorCodeInfo, RetryableCode } from './errors.js';
export { CloseCode, closeCatalog, isCloseCode, shouldReconnect } from './close-codes.js';
export type { CloseCodeInfo } from './close-codes.js';
export {
  ClientFrameType,
  ServerFrameType,
  defaultLimits,
  parseClientFrame,
  parseServerFrame,
  checkCommandTarget,
  errFrame,
  answerFrame,
} from './frames.js';
export type {
  ClientFrame,
  ServerFrame,
  Frame,
  HelloFrame,
  CmdFrame,
  SubFrame,
  UnsubFrame,
  PingFrame,
  WelcomeFrame,
  AckFrame,
  ErrFrame,
  SnapFrame,
  EvtFrame,
  PongFrame,
  ByeFrame,
  TopicEvent,
  Limits,
  FrameError,
  ParsedFrame,
  CommandOutcome,
} from './frames.js';
export { Subprotocol, WEBSOCKET_PATH, negotiateSubprotocol, createCodec, msgpackCodec, jsonCodec, defaultCodecLimits } from './codecs.js';
export type { Codec, CodecLimits } from './codecs.js';
export { TopicKind, parseTopic, canWatch, authorizeTopic, topicStream, MAX_TOPIC_LENGTH } from './topics.js';
export type { Topic } from './topics.js';
export {
  JsonPatch,
  JsonPatchOperation,
  UserTopicState,
  ChallengeTopicState,
  PostTopicState,
  RankingEntry,
  LeaderboardRow,
  LeaderboardTopicState,
  FeedRow,
  FeedTopicState,
  RowsDiff,
  LeaderboardDiff,
  FeedDiff,
  UserSnap,
  UserPush,
  ChallengeSnap,
  ChallengePush,
  PostSnap,
  PostPush,
  LeaderboardSnap,
  LeaderboardPush,
  FeedSnap,
  FeedPush,
  topicSchemas,
} from './topic-schemas.js';
export type { RowsDiffData } from './topic-schemas.js';
// The client SDK has its own public face: protocol/client/index.ts.
