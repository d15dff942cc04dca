export { type Projection, type ReadModelTable, type TableNames } from './projection.js';
export { Projector, defaultProjectorSettings, type ProjectorSettings, type ProjectorFailure } from './projector.js';
export { Projections, ProjectionNotFoundError, type ProjectionsOptions, type RebuildHandle, type RebuildReport } from './projections.js';
export type { ProjectionError, ProjectionLagStatus, ProjectionState, ProjectionStatus, ParkedStatus, RebuildStatus } from './status.js';
export { ParkedEventNotFoundError, type ParkedEvent } from './parked.js';
export type { RetryOutcome } from './retry-parked.js';
export { isTransient } from './faults.js';
export { measureLag, type Lag } from './lag.js';
export { upsertRows, deleteRows, selectRows, type Columns } from './bulk-rows.js';
