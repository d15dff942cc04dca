import { UpcastFailedError } from './errors.js';

/** Turns the data of one schema version into the data of the next. */
export type Upcaster = (data: any) => unknown;

/**
 * A registry of (event type, schema version) → upcaster. Reads apply the chain until no
 * upcaster is registered for the event's version, which is then its current version.
 *
 * @example
 * upcasters.register('nutrition.meal.logged', 1, (d) => ({ ...d, foods: d.items }));
 */
export class Upcasters {
  private readonly byKey = new Map<string, Upcaster>();

  register(type: string, fromSchemaVersion: number, upcast: Upcaster): this {
    const key = `${type}@${fromSchemaVersion}`;
    if (this.byKey.has(key)) throw new Error(`an upcaster for ${key} is already registered`);
    this.byKey.set(key, upcast);
    return this;
  }

  get size(): number {
    return this.byKey.size;
  }

  apply(type: string, schemaVersion: number, data: unknown): { schemaVersion: number; data: unknown } {
    let version = schemaVersion;
    let current = data;
    for (let upcast = this.byKey.get(`${type}@${version}`); upcast; upcast = this.byKey.get(`${type}@${version}`)) {
      try {
        current = upcast(current);
      } catch (error) {
        throw new UpcastFailedError(type, version, error);
      }
      version += 1;
    }
    return { schemaVersion: version, data: current };
  }
}
