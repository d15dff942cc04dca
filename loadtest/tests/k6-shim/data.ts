/** `k6/data`: a SharedArray is the array its function returns. */
export class SharedArray<T> extends Array<T> {
  constructor(_name: string, make: () => T[]) {
    super();
    this.push(...make());
  }
}
