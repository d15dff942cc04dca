import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ActorRuntime, RuntimeMetrics } from '../actors/runtime/index.js';
import type { Logger } from './log.js';

export interface ProjectionLag {
  name: string;
  lagEvents: number;
  /** Events of the served generation parked (not applied, moved past). */
  parkedEvents: number;
}

/**
 * The node's Prometheus metrics (one registry per server, so that tests may run several). The
 * runtime reports through `runtimeMetrics`; gauges are read when /metrics is scraped.
 */
export class ServerMetrics {
  readonly registry = new Registry();
  readonly runtimeMetrics: RuntimeMetrics;
  private readonly commands = new Counter({
    name: 'gamifier_commands_total',
    help: 'Commands handled, by actor type, command type and outcome (ok, rejected, or the failure code)',
    labelNames: ['actor', 'type', 'outcome'],
    registers: [this.registry],
  });
  private readonly latency = new Histogram({
    name: 'gamifier_command_duration_seconds',
    help: 'From a command reaching the runtime to its outcome',
    labelNames: ['actor'],
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [this.registry],
  });
  private readonly events = new Counter({
    name: 'gamifier_events_appended_total',
    help: 'Events appended by this node',
    labelNames: ['actor'],
    registers: [this.registry],
  });
  private readonly activations = new Counter({
    name: 'gamifier_actor_activations_total',
    help: 'Actor activations, by type and source (snapshot or replay)',
    labelNames: ['actor', 'source'],
    registers: [this.registry],
  });
  private readonly passivations = new Counter({
    name: 'gamifier_actor_passivations_total',
    help: 'Actor passivations, by type and reason',
    labelNames: ['actor', 'reason'],
    registers: [this.registry],
  });
  private readonly restarts = new Counter({ name: 'gamifier_actor_restarts_total', help: 'Actor restarts after a crash', labelNames: ['actor'], registers: [this.registry] });
  private readonly deadLetters = new Counter({ name: 'gamifier_dead_letters_total', help: 'Commands dead-lettered', labelNames: ['actor'], registers: [this.registry] });
  private readonly deadLettersLost = new Counter({
    name: 'gamifier_dead_letters_lost_total',
    help: 'Commands that crashed their actor on every attempt and could not be kept as dead letters',
    labelNames: ['actor'],
    registers: [this.registry],
  });
  private readonly quarantines = new Counter({ name: 'gamifier_actor_quarantines_total', help: 'Actors quarantined after repeated crashes', labelNames: ['actor'], registers: [this.registry] });
  private readonly backgroundErrors = new Counter({ name: 'gamifier_background_errors_total', help: 'Failures off the critical path (snapshots, outbox, timers)', registers: [this.registry] });
  private readonly parkings = new Counter({
    name: 'gamifier_projection_events_parked_total',
    help: 'Events this node parked because a projection could not apply them (it moved past them)',
    labelNames: ['projection'],
    registers: [this.registry],
  });

  private readonly refusedConnections = new Counter({
    name: 'gamifier_connections_refused_total',
    help: 'WebSocket connections turned away at a cap: node (MAX_CONNECTIONS), address, player',
    labelNames: ['cap'],
    registers: [this.registry],
  });

  /** The projections' status, read once per scrape for the gauges that show it. */
  private scraped: Promise<ProjectionLag[]> | undefined;

  constructor(
    log: Logger,
    sources: { runtime: () => ActorRuntime | undefined; projections: () => Promise<ProjectionLag[]>; connections?: () => number },
  ) {
    collectDefaultMetrics({ register: this.registry, prefix: 'gamifier_' });
    const projections = () => (this.scraped ??= sources.projections());
    new Gauge({
      name: 'gamifier_actors_active',
      help: 'Actors active on this node',
      registers: [this.registry],
      collect() {
        this.set(sources.runtime()?.stats().active ?? 0);
      },
    });
    new Gauge({
      name: 'gamifier_websocket_connections',
      help: 'WebSocket connections this node holds (counted against MAX_CONNECTIONS)',
      registers: [this.registry],
      collect() {
        this.set(sources.connections?.() ?? 0);
      },
    });
    new Gauge({
      name: 'gamifier_mailbox_depth',
      help: 'Messages queued or in handling across all actors of this node',
      registers: [this.registry],
      collect() {
        this.set(sources.runtime()?.stats().mailboxDepth ?? 0);
      },
    });
    new Gauge({
      name: 'gamifier_projection_lag_events',
      help: 'Events of the global log a projection has yet to apply',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        for (const { name, lagEvents } of await projections()) this.set({ projection: name }, lagEvents);
      },
    });
    new Gauge({
      name: 'gamifier_projection_parked_events',
      help: 'Events a projection could not apply and moved past, waiting for an operator to retry or skip them',
      labelNames: ['projection'],
      registers: [this.registry],
      async collect() {
        for (const { name, parkedEvents } of await projections()) this.set({ projection: name }, parkedEvents);
      },
    });
    this.runtimeMetrics = {
      activated: (actor, fromSnapshot) => this.activations.inc({ actor, source: fromSnapshot ? 'snapshot' : 'replay' }),
      passivated: (actor, reason) => this.passivations.inc({ actor, reason }),
      commandHandled: (actor, type, outcome, ms) => {
        this.commands.inc({ actor, type, outcome: outcome.status === 'failed' ? outcome.code : outcome.status });
        this.latency.observe({ actor }, ms / 1_000);
        if (outcome.status === 'ok' && outcome.events.length > 0) this.events.inc({ actor }, outcome.events.length);
      },
      restarted: (actor) => this.restarts.inc({ actor }),
      deadLettered: (actor) => this.deadLetters.inc({ actor }),
      deadLetterLost: (actor, command, error) => {
        this.deadLettersLost.inc({ actor });
        log.error({ err: error, commandId: command.id, to: command.to, type: command.type }, 'a crashed command could not be kept as a dead letter');
      },
      quarantined: (actor) => this.quarantines.inc({ actor }),
      backgroundError: (what, error) => {
        this.backgroundErrors.inc();
        log.warn({ err: error, what }, 'background work failed');
      },
    };
  }

  /** A projector of this node parked an event. */
  projectionEventParked(projection: string): void {
    this.parkings.inc({ projection });
  }

  /** A WebSocket connection was turned away at a cap. */
  connectionRefused(cap: 'node' | 'address' | 'player'): void {
    this.refusedConnections.inc({ cap });
  }

  async text(): Promise<string> {
    try {
      return await this.registry.metrics();
    } finally {
      this.scraped = undefined;
    }
  }
}
