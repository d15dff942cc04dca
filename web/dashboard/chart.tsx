import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

export interface ChartSeries {
  label: string;
  color: string;
  values: Array<number | null>;
  /** Thicker for the cluster's line, dashed for secondary ones. */
  width?: number;
  dash?: number[];
}

interface ChartProps {
  /** What the chart shows, for screen readers and the figure caption. */
  title: string;
  unit: string;
  /** Seconds since the epoch, one per point. */
  times: number[];
  series: ChartSeries[];
  height?: number;
}

const axisColor = '#9aa7b8';
const gridColor = 'rgba(154, 167, 184, 0.12)';

/**
 * A live line chart (uPlot): created once per set of series, then given new data every poll.
 * uPlot draws on a canvas and styles its elements through the CSSOM, which the page's
 * Content-Security-Policy allows (no inline style attributes, no eval).
 */
export function Chart({ title, unit, times, series, height = 190 }: ChartProps) {
  const holder = useRef<HTMLDivElement>(null);
  const plot = useRef<uPlot | null>(null);
  const shape = series.map((one) => `${one.label}:${one.color}`).join('|');

  useEffect(() => {
    const element = holder.current!;
    const options: uPlot.Options = {
      width: Math.max(200, element.clientWidth),
      height,
      cursor: { drag: { x: false, y: false } },
      legend: { show: true, live: true },
      scales: { x: { time: true }, y: { range: (_u, _min, max) => [0, Math.max(max * 1.15, 1)] } },
      axes: [
        { stroke: axisColor, space: 70, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 }, values: (_u, ticks) => ticks.map(clock) },
        { stroke: axisColor, grid: { stroke: gridColor, width: 1 }, ticks: { stroke: gridColor, width: 1 }, size: 52, values: (_u, ticks) => ticks.map((tick) => format(tick)) },
      ],
      series: [
        { label: 'time' },
        ...series.map((one) => ({
          label: one.label,
          stroke: one.color,
          width: one.width ?? 1.5,
          ...(one.dash ? { dash: one.dash } : {}),
          points: { show: false },
          spanGaps: false,
          value: (_u: uPlot, value: number | null) => (value === null || value === undefined ? '–' : `${format(value)} ${unit}`),
        })),
      ],
    };
    const created = new uPlot(options, [times, ...series.map((one) => one.values)] as uPlot.AlignedData, element);
    plot.current = created;
    const resize = new ResizeObserver(() => created.setSize({ width: Math.max(200, element.clientWidth), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      created.destroy();
      plot.current = null;
    };
    // The chart is made again only when its series change (a node joined or left).
  }, [shape, height]);

  useEffect(() => {
    plot.current?.setData([times, ...series.map((one) => one.values)] as uPlot.AlignedData);
  }, [times, series]);

  return <div class="chart" ref={holder} role="img" aria-label={`${title}, in ${unit}, over the last ${times.length} seconds`} />;
}

/** 17:46:05, from seconds since the epoch. */
const clock = (seconds: number) => new Date(seconds * 1_000).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false });

/** 0.42, 4.2, 42, 420, 4.2k */
export function format(value: number): string {
  if (value >= 10_000) return `${(value / 1_000).toFixed(0)}k`;
  if (value >= 1_000) return `${(value / 1_000).toFixed(1)}k`;
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}
