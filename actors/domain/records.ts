// Pure helpers shared by every actor type's decide and evolve.
// Immutable helpers for `Record<string, V>` keyed by ids a client chose: own properties only, so
// an id such as `constructor` never reads something off Object.prototype.

export function has(record: Readonly<Record<string, unknown>>, key: string): boolean {
  return Object.hasOwn(record, key);
}

export function get<V>(record: Readonly<Record<string, V>>, key: string): V | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}

export function put<V>(record: Readonly<Record<string, V>>, key: string, value: V): Record<string, V> {
  return { ...record, [key]: value };
}

export function without<V>(record: Readonly<Record<string, V>>, key: string): Record<string, V> {
  if (!Object.hasOwn(record, key)) return record;
  const { [key]: _dropped, ...rest } = record;
  return rest;
}

export function count(record: Readonly<Record<string, unknown>>): number {
  return Object.keys(record).length;
}
