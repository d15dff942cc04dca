// The WebSocket gateway (DESIGN.md "Wire protocol"): sessions, watches, transports.
export { startGateway, Gateway, type GatewayDeps, type GatewayStats } from './gateway.js';
export { defaultGatewaySettings, gatewaySettings, type GatewayOverrides, type GatewaySettings } from './settings.js';
export { committedEventPublisher, type StreamEventMessage } from './publisher.js';
export type { Connection, ConnectionHandler, SendResult, Transport, TransportKind, TransportSettings, UpgradeRefusal } from './transport.js';
export { Admission, type CapKind, type ConnectionCaps, type Refusal } from './admission.js';
export { RateBudgets } from './rate-limit.js';
export { uwsTransport } from './uws.js';
export { wsTransport, WsTransport, type WsTransportOptions } from './ws.js';
export type { TopicSink, TopicSource, TopicWatch } from './topics/source.js';
export { StreamTopicSource, type StreamTopicDeps } from './topics/stream.js';
export { CoalescedTopicSource, rowsDiff, type CoalescedTopicOptions, type ReadModelTopic, type RowsDiff } from './topics/coalesced.js';
export { feedTopic, leaderboardTopic, type FeedRow, type LeaderboardRow } from './topics/read-models.js';
