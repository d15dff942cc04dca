export { type Projection, type ReadModelTable, type TableNames } from './projection.js';
export { Projector, defaultProjectorSettings, type ProjectorSettings, type ProjectorFailure } from './projector.js';
export { Projections, ProjectionNotFoundError, type ProjectionsOptions, type RebuildHandle, type RebuildReport } from './projections.js';
export type { ProjectionError, ProjectionLagStatus, ProjectionState, ProjectionStatus, RebuildStatus } from './status.js';
export { measureLag, type Lag } from './lag.js';
export { upsertRows, deleteRows, selectRows, type Columns } from './bulk-rows.js';
export * from './read-models/index.js';
