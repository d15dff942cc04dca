/**
 * Runs asynchronous steps of one key in the order they were asked for, each after the one before
 * it settled, and those of different keys independently. The store encodes an append's events
 * (a key fetch may wait on the database) before submitting it: without this, an append that found
 * its subject's key in memory could overtake an earlier one of the same stream that did not.
 *
 * @example
 * const encoded = await order.run(streamId, () => codec.encode(streamId, events));
 */
export class InOrder {
  private readonly last = new Map<string, Promise<unknown>>();

  run<T>(key: string, step: () => Promise<T>): Promise<T> {
    const before = this.last.get(key);
    const result = before ? before.then(step, step) : step();
    this.last.set(key, result);
    const forget = () => {
      if (this.last.get(key) === result) this.last.delete(key);
    };
    result.then(forget, forget);
    return result;
  }
}
