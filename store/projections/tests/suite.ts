import { afterEach, beforeEach, describe } from 'vitest';
import type { OpenStore } from '../../open.js';
import { Projections, type Projection, type ProjectionsOptions } from '../index.js';
import { parkingCases } from './parking-cases.js';
import { projectorCases } from './projector-cases.js';

/** A database to run the suite on: each `open` gives a fresh, migrated, empty one. */
export interface ProjectionsTarget {
  open(): Promise<OpenStore>;
}

/** What each test gets: a fresh store, and coordinators it starts. */
export interface Harness {
  opened: OpenStore;
  /** A coordinator that is stopped after the test (before the store closes). */
  projections(projections: readonly Projection[], options?: ProjectionsOptions): Projections;
}

/**
 * Fills `harness` before each test of the enclosing `describe` with a fresh store, and stops its
 * coordinators and closes the store after it. The game's read-model suite builds on it.
 */
export function useProjectionsHarness<H extends Harness>(target: ProjectionsTarget, harness: H = {} as H): H {
  let started: Projections[] = [];
  beforeEach(async () => {
    harness.opened = await target.open();
    harness.projections = (projections, options = {}) => {
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
  return harness;
}

/** The projection machinery's suite, run once per database, on read models of its own. */
export function projectionsSuite(name: string, target: ProjectionsTarget): void {
  describe(`projections: ${name}`, () => {
    const harness = useProjectionsHarness(target);
    describe('projector', () => projectorCases(harness));
    describe('parked events', () => parkingCases(harness));
  });
}
