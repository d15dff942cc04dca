import os from 'node:os';

/** What a reader needs to compare figures across machines. */
export function machineFacts(): string[] {
  const cpus = os.cpus();
  return [
    `cores: ${os.availableParallelism()} (${cpus[0]?.model.trim() ?? 'unknown cpu'})`,
    `memory: ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    `node: ${process.version} on ${os.platform()} ${os.release()}`,
  ];
}

export interface CpuUse {
  /** This process's CPU time over wall time: 1.0 is one core busy. */
  process: number;
  /** Busy time of all cores over their wall time: 1.0 is every core busy, whoever used it. */
  machine: number;
}

/**
 * CPU used from `start()` to `stop()`. Benchmarks print it because the load generator, the
 * system under test (and anything else running) share the same cores.
 *
 * @example
 * const cpu = CpuMeter.start();
 * await runScenario();
 * cpu.stop(); // { process: 0.83, machine: 0.97 }
 */
export class CpuMeter {
  private constructor(
    private readonly cpu: NodeJS.CpuUsage,
    private readonly wallMs: number,
    private readonly cores: CoreTimes,
  ) {}

  static start(): CpuMeter {
    return new CpuMeter(process.cpuUsage(), performance.now(), coreTimes());
  }

  stop(): CpuUse {
    const used = process.cpuUsage(this.cpu);
    const cores = coreTimes();
    const total = cores.total - this.cores.total;
    return {
      process: (used.user + used.system) / 1_000 / (performance.now() - this.wallMs),
      machine: total > 0 ? 1 - (cores.idle - this.cores.idle) / total : NaN,
    };
  }
}

interface CoreTimes {
  idle: number;
  total: number;
}

function coreTimes(): CoreTimes {
  let idle = 0;
  let total = 0;
  for (const { times } of os.cpus()) {
    idle += times.idle;
    total += times.user + times.nice + times.sys + times.idle + times.irq;
  }
  return { idle, total };
}
