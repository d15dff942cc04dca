import { Chart, format, type ChartSeries } from './chart.js';
import { totalCommands, type History, type Point } from './figures.js';
import { clusterColor, colorIndex, nodeColors } from './palette.js';

const latest = (points: Array<Point | null> | undefined) => points?.findLast((point) => point !== null) ?? undefined;
const ms = (value: number | null | undefined) => (value === null || value === undefined ? '–' : `${format(value)} ms`);

/** Commands/s, command latency and events appended/s, for the cluster and per node, from the nodes' metrics. */
export function TrafficPanel({ history }: { history: History }) {
  const reading = history.last;
  const names = [...history.nodes.keys()].sort();
  const colors = colorIndex(names);
  const perNode = (pick: (point: Point) => number | null, dash?: number[]): ChartSeries[] =>
    names.map((name) => ({
      label: name,
      color: nodeColors[colors.get(name) ?? 0]!,
      values: history.nodes.get(name)!.map((point) => (point ? pick(point) : null)),
      ...(dash ? { dash } : {}),
    }));
  const cluster = (label: string, pick: (point: Point) => number | null, color = clusterColor): ChartSeries => ({ label, color, width: 2.5, values: history.cluster.map(pick) });
  const now = history.cluster.at(-1);
  const peak = Math.max(0, ...history.cluster.map((point) => point.commandsPerSec));
  const total = reading?.nodes.reduce((sum, figures) => sum + totalCommands(figures), 0) ?? 0;
  const events = reading?.nodes.reduce((sum, figures) => sum + figures.eventsAppended, 0) ?? 0;

  return (
    <section class="panel traffic" aria-labelledby="traffic-title">
      <header class="panel-head">
        <h2 id="traffic-title">Traffic</h2>
        <span class="tag">from gamifier_commands_total, gamifier_command_duration_seconds, gamifier_events_appended_total</span>
      </header>
      {reading && reading.unanswered.length > 0 ? (
        <p class="alert" role="status">
          No figures from {reading.unanswered.map((missing) => `${missing.node} (${missing.code})`).join(', ')} within {reading.timeoutMs} ms.
        </p>
      ) : null}
      <dl class="kpis">
        <div>
          <dt>Commands/s</dt>
          <dd class="kpi-rate">{now ? format(now.commandsPerSec) : '–'}</dd>
        </div>
        <div>
          <dt>Peak commands/s</dt>
          <dd class="kpi-peak">{format(peak)}</dd>
        </div>
        <div>
          <dt>p50 latency</dt>
          <dd>{ms(now?.p50)}</dd>
        </div>
        <div>
          <dt>p99 latency</dt>
          <dd>{ms(now?.p99)}</dd>
        </div>
        <div>
          <dt>Events appended/s</dt>
          <dd>{now ? format(now.eventsPerSec) : '–'}</dd>
        </div>
        <div>
          <dt>Commands handled</dt>
          <dd class="kpi-commands">{total}</dd>
        </div>
        <div>
          <dt>Events appended</dt>
          <dd class="kpi-events">{events}</dd>
        </div>
      </dl>
      <div class="charts">
        <figure>
          <figcaption>Commands/s</figcaption>
          <Chart title="Commands per second, cluster and per node" unit="/s" times={history.times} series={[cluster('cluster', (p) => p.commandsPerSec), ...perNode((p) => p.commandsPerSec)]} />
        </figure>
        <figure>
          <figcaption>Command latency p50 / p99</figcaption>
          <Chart
            title="Command latency p50 and p99, cluster, and p99 per node"
            unit="ms"
            times={history.times}
            series={[cluster('cluster p50', (p) => p.p50, '#7dd3fc'), cluster('cluster p99', (p) => p.p99), ...perNode((p) => p.p99, [4, 3]).map((one) => ({ ...one, label: `${one.label} p99` }))]}
          />
        </figure>
        <figure>
          <figcaption>Events appended/s</figcaption>
          <Chart title="Events appended per second, cluster and per node" unit="/s" times={history.times} series={[cluster('cluster', (p) => p.eventsPerSec), ...perNode((p) => p.eventsPerSec)]} />
        </figure>
      </div>
      <table class="grid-table per-node">
        <caption class="visually-hidden">Per node, over the last second</caption>
        <thead>
          <tr>
            <th scope="col">Node</th>
            <th scope="col" class="num">Commands/s</th>
            <th scope="col" class="num">p50</th>
            <th scope="col" class="num">p99</th>
            <th scope="col" class="num">Events/s</th>
            <th scope="col" class="num">Commands</th>
            <th scope="col">Outcomes</th>
          </tr>
        </thead>
        <tbody>
          {names.map((name) => {
            const point = latest(history.nodes.get(name));
            const figures = reading?.nodes.find((one) => one.node === name);
            return (
              <tr key={name} data-node={name}>
                <th scope="row">
                  <span class={`swatch owner-${colors.get(name) ?? 0}`} aria-hidden="true" />
                  {name}
                </th>
                <td class="num">{point ? format(point.commandsPerSec) : '–'}</td>
                <td class="num">{ms(point?.p50)}</td>
                <td class="num">{ms(point?.p99)}</td>
                <td class="num">{point ? format(point.eventsPerSec) : '–'}</td>
                <td class="num">{figures ? totalCommands(figures) : '–'}</td>
                <td class="dim">{figures ? Object.entries(figures.commands).map(([outcome, count]) => `${outcome} ${count}`).join(' · ') : 'no answer'}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </section>
  );
}
