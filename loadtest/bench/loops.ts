import { CpuMeter, type CpuUse } from './machine.js';
import { Latency } from './stats.js';

export interface Window {
  /** Run before measuring: connections open, statements get prepared, caches warm. */
  warmupMs: number;
  durationMs: number;
}

export interface ClosedLoopResult {
  /** Units (events, messages…) completed per second inside the measured window. */
  perSecond: number;
  latency: Latency;
  /** This process's CPU time over wall time in the window (1 = one core). */
  cpuShare: number;
  /** How busy all the machine's cores were in the window (1 = all of them), whoever used them. */
  machineShare: number;
}

/**
 * `workers` loops, each awaiting its `step` before starting the next: the load follows the
 * system's speed, which measures throughput (and latency only at that throughput). A step returns
 * how many units it completed. Any failing step fails the run.
 */
export async function closedLoop(
  workers: number,
  window: Window,
  step: (worker: number) => Promise<number>,
): Promise<ClosedLoopResult> {
  const latency = new Latency();
  const start = performance.now();
  const measureFrom = start + window.warmupMs;
  const measureTo = measureFrom + window.durationMs;
  const cpu = meterCpu(window);
  let units = 0;
  let failure: unknown;
  const loop = async (worker: number) => {
    while (failure === undefined) {
      const began = performance.now();
      if (began >= measureTo) return;
      let done: number;
      try {
        done = await step(worker);
      } catch (error) {
        failure ??= error;
        return;
      }
      const ended = performance.now();
      if (ended >= measureFrom && ended <= measureTo) {
        units += done;
        if (began >= measureFrom) latency.record(ended - began);
      }
    }
  };
  await Promise.all(Array.from({ length: workers }, (_, worker) => loop(worker)));
  const used = await cpu;
  if (failure !== undefined) throw failure;
  return { perSecond: units / (window.durationMs / 1_000), latency, cpuShare: used.process, machineShare: used.machine };
}

export interface OpenLoopResult {
  offeredPerSecond: number;
  /** Sends that completed inside the window, per second: below the offered rate when overloaded. */
  completedPerSecond: number;
  /** From each send's scheduled time to its completion. */
  latency: Latency;
  /** This process's CPU time over wall time in the window (1 = one core). */
  cpuShare: number;
  /** How busy all the machine's cores were in the window (1 = all of them), whoever used them. */
  machineShare: number;
}

/**
 * Sends at a fixed offered rate whatever the latency (an open loop, like independent players),
 * and measures each send from when it was due rather than from when it went out, so that a stall
 * of the system or of this process counts against the stalled sends (no coordinated omission).
 */
export async function openLoop(
  perSecond: number,
  window: Window,
  send: (n: number) => Promise<void>,
): Promise<OpenLoopResult> {
  const latency = new Latency();
  const interval = 1_000 / perSecond;
  const start = performance.now();
  const measureFrom = start + window.warmupMs;
  const end = measureFrom + window.durationMs;
  const total = Math.floor((end - start) / interval);
  const cpu = meterCpu(window);
  const inFlight = new Set<Promise<void>>();
  let next = 0;
  let completed = 0;
  let failure: unknown;

  const dispatch = (n: number, due: number) => {
    const sent = send(n).then(
      () => {
        const now = performance.now();
        if (due >= measureFrom) latency.record(now - due);
        if (now >= measureFrom && now <= end) completed += 1;
      },
      (error: unknown) => void (failure ??= error),
    );
    inFlight.add(sent);
    void sent.finally(() => inFlight.delete(sent));
  };

  await new Promise<void>((resolve) => {
    const tick = () => {
      const now = performance.now();
      while (next < total && start + next * interval <= now) {
        dispatch(next, start + next * interval);
        next += 1;
      }
      if (next >= total || failure !== undefined) return resolve();
      // Timers fire about every millisecond; each tick sends everything that has fallen due.
      setTimeout(tick, Math.max(0, start + next * interval - performance.now()));
    };
    tick();
  });
  await Promise.all(inFlight);
  const used = await cpu;
  if (failure !== undefined) throw failure;
  return {
    offeredPerSecond: perSecond,
    completedPerSecond: completed / (window.durationMs / 1_000),
    latency,
    cpuShare: used.process,
    machineShare: used.machine,
  };
}

/** CPU use over the measured part of a window that starts now. */
function meterCpu(window: Window): Promise<CpuUse> {
  return new Promise((resolve) => {
    setTimeout(() => {
      const meter = CpuMeter.start();
      setTimeout(() => resolve(meter.stop()), window.durationMs);
    }, window.warmupMs);
  });
}
