export * from './types.js';
export { ActorRuntime, DeadLetterAdmin, type RuntimeOptions } from './runtime.js';
export type { Outcome, CommittedEvent, FailureCode } from './outcome.js';
export { systemClock, SimulatedClock, sleep, type Clock, type TimerHandle } from './clock.js';
export { defaultSettings, type RuntimeSettings } from './settings.js';
export { noMetrics, type RuntimeMetrics } from './metrics.js';
export type { DeadLetter } from './dead-letters.js';
export { foldEvents, initialFolded, lifecycleOf, type Folded } from './fold.js';
export { eventIdFor, causedCommandId } from './ids.js';
