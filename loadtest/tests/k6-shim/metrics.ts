import { world } from './world.js';

/** `k6/metrics`: every sample goes to the shim's world, by metric name. */
class Metric {
  constructor(
    readonly name: string,
    kind: string,
  ) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]{0,127}$/.test(name)) throw new Error(`k6 refuses the metric name ${name}`);
    world().metricTypes.set(name, kind);
  }

  add(value: number | boolean, tags: Record<string, string> = {}): void {
    if (typeof value !== 'number' && typeof value !== 'boolean') throw new Error(`${this.name}.add(${String(value)}): not a number`);
    for (const [k, v] of Object.entries(tags)) if (typeof v !== 'string') throw new Error(`${this.name} tag ${k} is not a string`);
    world().record(this.name, Number(value), tags);
  }
}

export class Trend extends Metric {
  constructor(name: string, _isTime?: boolean) {
    super(name, 'trend');
  }
}
export class Rate extends Metric {
  constructor(name: string) {
    super(name, 'rate');
  }
}
export class Counter extends Metric {
  constructor(name: string) {
    super(name, 'counter');
  }
}
export class Gauge extends Metric {
  constructor(name: string) {
    super(name, 'gauge');
  }
}
