import { afterEach, beforeEach, describe } from 'vitest';
import type { OpenStore } from '../../open.js';
import { gameProjections, Projections, readModelQueries, type Projection, type ProjectionsOptions, type ReadModelQueries } from '../index.js';
import { GameWriter } from './game-writer.js';
import { parkingCases } from './parking-cases.js';
import { projectorCases } from './projector-cases.js';
import { readModelCases } from './read-model-cases.js';

/** A database to run the suite on: each `open` gives a fresh, migrated, empty one. */
export interface ProjectionsTarget {
  open(): Promise<OpenStore>;
}

/** What each test gets: a fresh store, a writer of game events, the queries, and coordinators it starts. */
export interface Harness {
  opened: OpenStore;
  writer: GameWriter;
  queries: ReadModelQueries;
  /** A coordinator that is stopped after the test (before the store closes). */
  projections(projections?: readonly Projection[], options?: ProjectionsOptions): Projections;
}

/** The projections suite, run once per database. */
export function projectionsSuite(name: string, target: ProjectionsTarget): void {
  describe(`projections: ${name}`, () => {
    const harness = {} as Harness;
    let started: Projections[] = [];
    beforeEach(async () => {
      harness.opened = await target.open();
      harness.writer = new GameWriter(harness.opened.store);
      harness.queries = readModelQueries(harness.opened.sql);
      harness.projections = (projections = gameProjections, options = {}) => {
        const coordinator = new Projections(harness.opened.store, projections, { catchUpPollMs: 20, ...options, settings: { retryBaseMs: 20, retryMaxMs: 200, ...options.settings } });
        started.push(coordinator);
        return coordinator;
      };
    });
    afterEach(async () => {
      await Promise.all(started.map((coordinator) => coordinator.stop()));
      started = [];
      await harness.opened?.close();
    });

    describe('read models', () => readModelCases(harness));
    describe('projector', () => projectorCases(harness));
    describe('parked events', () => parkingCases(harness));
  });
}
