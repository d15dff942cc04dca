import { latencyKinds, type LatencyKind, type Timeline } from './metrics.js';

/** One line of the plot: a value per second, null where the second has none. */
export interface PlotSeries {
  /** Stable name, written as the path's `data-series` (tests and scripts find the lines by it). */
  key: string;
  label: string;
  values: ReadonlyArray<number | null>;
  color: string;
  dashed?: boolean;
}

export interface PlotInput {
  title: string;
  /** When the load stopped (s): a dashed line; what follows is the settle time. */
  loadEndS?: number;
  /** Top panel, per second, linear scale. */
  throughput: PlotSeries[];
  /** Bottom panel, ms, logarithmic scale (a budget line where given). */
  latency: PlotSeries[];
  budgetMs?: number;
}

const width = 960;
const panel = { left: 72, right: 230, height: 220 };
const top = { throughput: 48, latency: 48 + panel.height + 64 };
const height = top.latency + panel.height + 48;

/**
 * The run over time as an SVG image, written by hand (no plotting dependency): throughput per
 * second on top, latency percentiles per second below (log scale, so that a 2 ms p50 and a 200 ms
 * p99 both read), one path per series, a legend for each.
 *
 * @example
 * await writeFile('plot.svg', renderPlot(plotSeries(result.timeline, 'challenge-rush, 200 clients', 30)));
 */
export function renderPlot(input: PlotInput): string {
  const lengths = [...input.throughput, ...input.latency].map((series) => series.values.length);
  const seconds = Math.max(1, ...lengths, input.loadEndS === undefined ? 0 : Math.ceil(input.loadEndS) + 1);
  const plotWidth = width - panel.left - panel.right;
  const x = (second: number) => panel.left + (seconds <= 1 ? plotWidth / 2 : (second / (seconds - 1)) * plotWidth);
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#ffffff"/>`,
    `<text x="${width / 2}" y="24" text-anchor="middle" font-size="16">${escapeXml(input.title)}</text>`,
    drawPanel({ id: 'throughput', unit: 'per second', series: input.throughput, y0: top.throughput, seconds, x, loadEndS: input.loadEndS, scale: linearScale(input.throughput) }),
    drawPanel({
      id: 'latency',
      unit: 'latency (ms, log scale)',
      series: input.latency,
      y0: top.latency,
      seconds,
      x,
      loadEndS: input.loadEndS,
      scale: logScale(input.latency, input.budgetMs),
      budgetMs: input.budgetMs,
    }),
    `<text x="${panel.left + plotWidth / 2}" y="${height - 12}" text-anchor="middle">seconds since start</text>`,
    '</svg>',
  ];
  return parts.join('\n') + '\n';
}

/** Where a value goes (0 at the bottom of the panel, 1 at the top), and the ticks to label. */
interface Scale {
  position(value: number): number;
  ticks: number[];
}

const finiteValues = (series: PlotSeries[]) => series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));

function linearScale(series: PlotSeries[]): Scale {
  const peak = Math.max(0, ...finiteValues(series));
  const step = niceStep(peak > 0 ? peak / 5 : 1);
  const max = Math.max(step, Math.ceil(peak / step) * step);
  const ticks: number[] = [];
  for (let i = 0; i * step <= max + step / 2; i++) ticks.push(i * step);
  return { position: (value) => value / max, ticks };
}

/** Decades from the one below the smallest value to the one above the largest, ticks at 1, 2, 5. */
function logScale(series: PlotSeries[], budgetMs: number | undefined): Scale {
  const values = finiteValues(series).filter((v) => v > 0);
  if (budgetMs !== undefined) values.push(budgetMs);
  const low = 10 ** Math.floor(Math.log10(Math.min(...values, 1)));
  const high = 10 ** Math.ceil(Math.log10(Math.max(...values, 10 * low)));
  const ticks: number[] = [];
  for (let decade = low; decade < high * 1.001; decade *= 10) for (const m of [1, 2, 5]) if (decade * m <= high * 1.001) ticks.push(decade * m);
  const span = Math.log10(high) - Math.log10(low);
  return { position: (value) => (Math.log10(Math.max(low, value)) - Math.log10(low)) / span, ticks };
}

interface PanelSpec {
  id: string;
  unit: string;
  series: PlotSeries[];
  y0: number;
  seconds: number;
  x: (second: number) => number;
  loadEndS: number | undefined;
  scale: Scale;
  budgetMs?: number | undefined;
}

function drawPanel({ id, unit, series, y0, seconds, x, loadEndS, scale, budgetMs }: PanelSpec): string {
  const plotWidth = width - panel.left - panel.right;
  const y = (value: number) => y0 + panel.height - scale.position(value) * panel.height;
  const out = [`<g id="${id}">`];
  out.push(`<rect x="${panel.left}" y="${y0}" width="${plotWidth}" height="${panel.height}" fill="none" stroke="#999999"/>`);
  for (const tick of scale.ticks) {
    const ty = round(y(tick));
    out.push(`<line x1="${panel.left}" y1="${ty}" x2="${panel.left + plotWidth}" y2="${ty}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${panel.left - 6}" y="${ty + 4}" text-anchor="end">${formatTick(tick)}</text>`);
  }
  const xStep = Math.max(1, niceStep(Math.max(1, seconds - 1) / 10));
  for (let second = 0; second <= seconds - 1; second += xStep) {
    out.push(`<text x="${round(x(second))}" y="${y0 + panel.height + 16}" text-anchor="middle">${second}</text>`);
  }
  out.push(`<text transform="translate(16 ${y0 + panel.height / 2}) rotate(-90)" text-anchor="middle">${escapeXml(unit)}</text>`);
  if (loadEndS !== undefined && loadEndS <= seconds - 1) {
    const lx = round(x(loadEndS));
    out.push(`<line x1="${lx}" y1="${y0}" x2="${lx}" y2="${y0 + panel.height}" stroke="#666666" stroke-dasharray="4 4"/>`);
    out.push(`<text x="${lx + 4}" y="${y0 + 12}">load ends</text>`);
  }
  if (budgetMs !== undefined) {
    const by = round(y(budgetMs));
    out.push(`<line x1="${panel.left}" y1="${by}" x2="${panel.left + plotWidth}" y2="${by}" stroke="#d62728" stroke-dasharray="2 3"/>`);
    out.push(`<text x="${panel.left + plotWidth - 4}" y="${by - 4}" text-anchor="end" fill="#d62728">p99 budget ${budgetMs} ms</text>`);
  }
  series.forEach((s, i) => {
    const dash = s.dashed ? ' stroke-dasharray="5 3"' : '';
    out.push(`<path data-series="${escapeXml(s.key)}" d="${pathData(s.values, x, y)}" fill="none" stroke="${s.color}" stroke-width="1.5"${dash} stroke-linejoin="round" stroke-linecap="round"/>`);
    const ly = y0 + 12 + i * 18;
    out.push(`<line x1="${width - panel.right + 16}" y1="${ly}" x2="${width - panel.right + 40}" y2="${ly}" stroke="${s.color}" stroke-width="2"${dash}/>`);
    out.push(`<text x="${width - panel.right + 46}" y="${ly + 4}">${escapeXml(s.label)}</text>`);
  });
  out.push('</g>');
  return out.join('\n');
}

/** `M x y L x y …`, starting a new segment after every missing second (a lone point is a dot). */
function pathData(values: ReadonlyArray<number | null>, x: (second: number) => number, y: (value: number) => number): string {
  const out: string[] = [];
  let drawing = false;
  values.forEach((value, second) => {
    if (value === null || !Number.isFinite(value)) {
      drawing = false;
      return;
    }
    const next = values[second + 1];
    const alone = !drawing && (next === null || next === undefined || !Number.isFinite(next));
    out.push(`${drawing ? 'L' : 'M'}${round(x(second))} ${round(y(value))}${alone ? ' l0 0' : ''}`);
    drawing = true;
  });
  return out.join(' ');
}

/** 1, 2 or 5 times a power of ten, at least `raw`. */
export function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((candidate) => candidate >= raw * (1 - 1e-9))!;
}

const round = (value: number) => Math.round(value * 10) / 10;
const formatTick = (value: number) => (Math.abs(value) >= 1000 ? `${Math.round(value / 100) / 10}k` : `${Number(value.toPrecision(3))}`);

export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);
}

const latencyStyle: Record<LatencyKind, { label: string; color: string }> = {
  ack: { label: 'command → ack', color: '#2ca02c' },
  push: { label: 'command → own push', color: '#d62728' },
  ranking: { label: 'command → ranking push', color: '#9467bd' },
  resumed: { label: 'across a (re)connection', color: '#7f7f7f' },
};

/**
 * The series of a run: commands acked and pushes received per second; p99 (solid) and p50
 * (dashed) of each latency that has values.
 */
export function plotSeries(timeline: Timeline, title: string, loadEndS?: number, budgetMs?: number): PlotInput {
  const seconds = timeline.seconds();
  const latency: PlotSeries[] = [];
  for (const kind of latencyKinds) {
    if (timeline.latency[kind].count === 0) continue;
    for (const p of [50, 99]) {
      latency.push({
        key: `${kind}-p${p}`,
        label: `${latencyStyle[kind].label} p${p}`,
        color: latencyStyle[kind].color,
        dashed: p === 50,
        values: seconds.map((second) => (second.latency[kind].count > 0 ? second.latency[kind].percentile(p) : null)),
      });
    }
  }
  return {
    title,
    ...(loadEndS === undefined ? {} : { loadEndS }),
    ...(budgetMs === undefined ? {} : { budgetMs }),
    throughput: [
      { key: 'commands-per-s', label: 'commands acked/s', color: '#1f77b4', values: seconds.map((second) => second.counts.acked) },
      { key: 'pushes-per-s', label: 'pushes received/s', color: '#ff7f0e', values: seconds.map((second) => second.counts.pushes) },
    ],
    latency,
  };
}
