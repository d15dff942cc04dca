/** One schema change. Versions are applied in order, each in its own transaction, once. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}
