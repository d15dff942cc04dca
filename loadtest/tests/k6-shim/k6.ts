import { world } from './world.js';

/** `k6`: checks are recorded; sleep advances the virtual clock. */
export function check<T>(value: T, sets: Record<string, (value: T) => boolean>): boolean {
  let all = true;
  for (const [name, predicate] of Object.entries(sets)) {
    const ok = predicate(value);
    world().checks.push({ name, ok });
    all &&= ok;
  }
  return all;
}

export function sleep(seconds: number): void {
  world().clock += seconds * 1_000;
}

export function fail(message: string): never {
  throw new Error(`k6 fail(): ${message}`);
}

export function group<T>(_name: string, body: () => T): T {
  return body();
}

export default { check, sleep, fail, group };
