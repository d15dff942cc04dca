import { build, decodeFromCompressedBase64, encodeIntoCompressedBase64, type Histogram } from 'hdr-histogram-js';

/**
 * Latencies in milliseconds, kept in an HDR histogram at microsecond resolution (3 significant
 * digits), so that a long run costs constant memory and its percentiles stay exact to 0.1 %.
 *
 * @example
 * const latency = new Latency();
 * latency.record(performance.now() - scheduledAt);
 * latency.percentile(99); // ms
 */
export class Latency {
  private readonly histogram: Histogram = build({
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000_000,
    numberOfSignificantValueDigits: 3,
  });

  record(ms: number): void {
    this.histogram.recordValue(Math.max(1, Math.round(ms * 1_000)));
  }

  get count(): number {
    return this.histogram.totalCount;
  }

  /** The latency that `p` percent of the recorded ones do not exceed, in ms. */
  percentile(p: number): number {
    return this.count === 0 ? NaN : this.histogram.getValueAtPercentile(p) / 1_000;
  }

  get max(): number {
    return this.count === 0 ? NaN : this.histogram.maxValue / 1_000;
  }

  get mean(): number {
    return this.count === 0 ? NaN : this.histogram.mean / 1_000;
  }

  /** Adds every latency `other` recorded (another worker's, another second's), as if recorded here. */
  add(other: Latency): this {
    this.histogram.add(other.histogram);
    return this;
  }

  /**
   * The recorded latencies as a string (HDR's compressed base64 encoding), to cross a process
   * boundary; `Latency.decode` reads it back with every percentile intact (the maximum comes back
   * as its bucket's, within the 0.1 % resolution).
   *
   * @example
   * process.send({ ack: latency.encode() }); // in a worker
   * total.add(Latency.decode(message.ack));   // in the parent
   */
  encode(): string {
    return encodeIntoCompressedBase64(this.histogram);
  }

  static decode(encoded: string): Latency {
    const latency = new Latency();
    latency.histogram.add(decodeFromCompressedBase64(encoded));
    return latency;
  }
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** `12 345` for counts, `1.23` for small figures: readable in a terminal and in Markdown. */
export function formatNumber(value: number, digits = 2): string {
  if (!Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 100) return Math.round(value).toLocaleString('en-US').replaceAll(',', ' ');
  return value.toFixed(digits);
}

/**
 * A table as Markdown, which also reads fine as plain text: numbers right-aligned, text left.
 *
 * @example
 * console.log(formatTable(['scenario', 'events/s'], [['naive', '4 210']]));
 */
export function formatTable(headers: readonly string[], rows: ReadonlyArray<readonly string[]>): string {
  const widths = headers.map((header, c) => Math.max(header.length, ...rows.map((row) => (row[c] ?? '').length)));
  const numeric = headers.map((_, c) => rows.length > 0 && rows.every((row) => /^[-+]?[\d .,×%–]+[a-z%×]*$/i.test(row[c] ?? '')));
  const cell = (text: string, c: number) => (numeric[c] ? text.padStart(widths[c]!) : text.padEnd(widths[c]!));
  const line = (cells: readonly string[]) => `| ${headers.map((_, c) => cell(cells[c] ?? '', c)).join(' | ')} |`;
  const rule = `| ${widths.map((width, c) => (numeric[c] ? `${'-'.repeat(width - 1)}:` : '-'.repeat(width))).join(' | ')} |`;
  return [line(headers), rule, ...rows.map(line)].join('\n');
}
