import { beforeEach, describe } from 'vitest';
import type { Projection, Projections, ProjectionsOptions } from '../../store/index.js';
import { useProjectionsHarness, type Harness, type ProjectionsTarget } from '../../store/projections/tests/suite.js';
import { gameProjections, readModelQueries, type ReadModelQueries } from '../index.js';
import { GameWriter } from './game-writer.js';
import { readModelCases } from './read-model-cases.js';
import { rebuildCases } from './rebuild-cases.js';

/** What each test gets: the projections harness, a writer of game events, and the queries; coordinators run the game's read models unless told. */
export interface GameHarness extends Harness {
  writer: GameWriter;
  queries: ReadModelQueries;
  projections(projections?: readonly Projection[], options?: ProjectionsOptions): Projections;
}

/** The game's read-model suite, run once per database. */
export function readModelSuite(name: string, target: ProjectionsTarget): void {
  describe(`game read models: ${name}`, () => {
    const harness = useProjectionsHarness(target, {} as GameHarness);
    beforeEach(() => {
      const coordinator = harness.projections;
      harness.projections = (projections = gameProjections, options) => coordinator(projections, options);
      harness.writer = new GameWriter(harness.opened.store);
      harness.queries = readModelQueries(harness.opened.sql);
    });
    describe('read models', () => readModelCases(harness));
    describe('through restarts and rebuilds', () => rebuildCases(harness));
  });
}
