/**
 * Events this process has seen stored: per stream, the highest version known to exist. The log
 * is append-only, so once event `v` of a stream has committed it exists for good, and an append
 * that expects `v` needs no probe of the database for it: the unique index on
 * `(stream_id, version)` alone then keeps the stream from forking (append.ts). Bounded: beyond
 * `capacity` streams the one updated longest ago is forgotten, and its next append probes again.
 *
 * It holds only while nothing removes events under a running process: after restoring the
 * database from a backup, restart the nodes (their actors' states are stale then too).
 */
export class KnownVersions {
  private readonly versions = new Map<string, number>();

  constructor(private readonly capacity = 100_000) {}

  /** Event `version` of the stream is stored (read back, or written and committed). */
  saw(streamId: string, version: number): void {
    const known = this.versions.get(streamId);
    if (known !== undefined) {
      if (known >= version) return;
      this.versions.delete(streamId); // set again below: the map's order is the order of updates
    } else if (this.versions.size >= this.capacity) {
      this.versions.delete(this.versions.keys().next().value!);
    }
    this.versions.set(streamId, version);
  }

  /** Whether event `version` of the stream is known to be stored. */
  has(streamId: string, version: number): boolean {
    return version <= (this.versions.get(streamId) ?? 0);
  }

  get size(): number {
    return this.versions.size;
  }
}
