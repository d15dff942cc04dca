import { describe, expect, it } from 'vitest';
import { Latency } from '../bench/stats.js';
import { ArgsError, isLoopback, parseLoadArgs, socketUrl } from '../generator/args.js';
import { commandId, sentAtOf } from '../generator/ids.js';
import { SecondBuckets, Timeline } from '../generator/metrics.js';
import { niceStep, plotSeries, renderPlot } from '../generator/plot.js';
import { challengeOutcomes, verdict, type RunResult } from '../generator/run.js';
import { steadyLatency } from '../generator/summary.js';
import { descendants, parseXml } from './xml.js';

describe('latencies merged across workers', () => {
  it('encode and decode without losing a value, and add up to the histogram of all values', () => {
    const a = new Latency();
    const b = new Latency();
    const all = new Latency();
    for (let i = 1; i <= 5_000; i++) {
      const ms = (i % 97) * 0.37 + (i % 13 === 0 ? 250 : 0);
      (i % 3 === 0 ? a : b).record(ms);
      all.record(ms);
    }
    const merged = Latency.decode(a.encode()).add(Latency.decode(b.encode()));
    expect(merged.count).toBe(5_000);
    for (const p of [50, 90, 99, 99.9, 100]) expect(merged.percentile(p)).toBe(all.percentile(p));
    // The encoding keeps buckets, not the exact maximum: it comes back within HDR's 0.1 %.
    expect(Math.abs(merged.max - all.max)).toBeLessThanOrEqual(all.max * 1e-3);
    expect(Latency.decode(new Latency().encode()).count).toBe(0);
  });

  it('counts and times by the second in which things happened, and merges the seconds of every worker', () => {
    const zero = 1_000_000;
    let now = zero;
    const workers = [new SecondBuckets(zero, () => now), new SecondBuckets(zero, () => now)];
    const everything = new Latency();
    const record = (worker: number, at: number, ms: number) => {
      workers[worker]!.count('acked', 1, at);
      workers[worker]!.latency('ack', ms, at);
      if (Math.floor((at - zero) / 1_000) === 1) everything.record(ms);
    };
    for (let i = 0; i < 300; i++) record(i % 2, zero + i * 10, 1 + (i % 50));
    now = zero + 1_500;
    const timeline = new Timeline();
    // Only ended seconds leave a worker: second 1 is still open at 1.5 s.
    for (const worker of workers) worker.drain().forEach((second) => timeline.add(second));
    expect(timeline.seconds().map((second) => second.counts.acked)).toEqual([100]);
    now = zero + 10_000;
    for (const worker of workers) worker.drain().forEach((second) => timeline.add(second));
    expect(timeline.seconds().map((second) => second.counts.acked)).toEqual([100, 100, 100]);
    expect(timeline.totals.acked).toBe(300);
    expect(timeline.latency.ack.count).toBe(300);
    const second1 = timeline.second(1)!;
    for (const p of [50, 99]) expect(second1.latency.ack.percentile(p)).toBe(everything.percentile(p));
    expect(workers[0]!.drain(true)).toEqual([]);
  });

  it('fills seconds without figures with empty ones', () => {
    const timeline = new Timeline();
    const bucket = new SecondBuckets(0, () => 10_000);
    bucket.count('sent', 2, 500);
    bucket.count('sent', 3, 3_500);
    bucket.drain().forEach((second) => timeline.add(second));
    expect(timeline.seconds().map((second) => [second.second, second.counts.sent])).toEqual([[0, 2], [1, 0], [2, 0], [3, 3]]);
  });
});

describe('the steady state', () => {
  it('is the seconds after the ramp-up and before the end of the load', () => {
    const timeline = new Timeline();
    const bucket = new SecondBuckets(0, () => 1e9);
    for (let second = 0; second < 8; second++) bucket.latency('push', 100 * (second + 1), second * 1_000 + 5);
    bucket.drain().forEach((second) => timeline.add(second));
    const options = parseLoadArgs(['--scenario', 'player-session', '--duration', '5', '--ramp', '0.5'])!;
    const steady = steadyLatency({ options, timeline } as RunResult);
    expect([steady.fromS, steady.toS]).toEqual([2, 5]);
    expect(steady.latency.push.count).toBe(3);
    expect([steady.latency.push.percentile(0), steady.latency.push.max].map(Math.round)).toEqual([300, 500]);
  });
});

describe('command ids that carry their send time', () => {
  it('give the time back from the id, or from a source event id naming it', () => {
    const sentAt = 1_767_225_600_123.456;
    const id = commandId('k3f9a.17', 4, sentAt);
    expect(id).toMatch(/^k3f9a\.17\.4\.t[0-9a-z]+$/);
    expect(sentAtOf(id)).toBeCloseTo(sentAt, 3);
    expect(sentAtOf(`lt-u17:${id}:2`)).toBeCloseTo(sentAt, 3);
    expect(sentAtOf('u17:some-other-command:0')).toBeUndefined();
    expect(sentAtOf(42)).toBeUndefined();
  });
});

describe('the command line', () => {
  const parse = (...argv: string[]) => parseLoadArgs(argv, 8, new Date('2026-11-22T12:00:00Z'));

  it('has defaults for everything but the scenario', () => {
    expect(parse('--scenario', 'player-session')!).toMatchObject({
      scenario: 'player-session',
      clients: 20,
      durationS: 30,
      rampS: 6,
      url: 'http://127.0.0.1:8080',
      protocol: 'msgpack',
      workers: 4,
      out: 'bench-results/loadtest/player-session-2026-11-22T12-00-00-000Z',
      challengeSize: 50,
      allowRemote: false,
    });
    expect(parse('--scenario', 'challenge-rush')!.challengeSize).toBe(1000);
  });

  it('reads every option', () => {
    const options = parse(
      ...['--scenario', 'reconnect-storm', '--clients', '500', '--duration', '60', '--ramp', '5', '--url', 'ws://localhost:9000/v1/ws'],
      ...['--protocol', 'json', '--workers', '3', '--out', '/tmp/x', '--think-ms', '250', '--challenge-size', '100'],
      ...['--wave-every', '4', '--wave-fraction', '0.5', '--tokens', 't.json', '--settle', '2', '--command-timeout-ms', '5000', '--quiet'],
    );
    expect(options).toEqual({
      scenario: 'reconnect-storm',
      clients: 500,
      durationS: 60,
      rampS: 5,
      url: 'http://localhost:9000',
      protocol: 'json',
      workers: 3,
      out: '/tmp/x',
      thinkMs: 250,
      challengeSize: 100,
      waveEveryS: 4,
      waveFraction: 0.5,
      tokensFile: 't.json',
      settleS: 2,
      commandTimeoutMs: 5000,
      allowRemote: false,
      quiet: true,
    });
    expect(socketUrl(options!.url)).toBe('ws://localhost:9000/v1/ws');
    expect(socketUrl('https://lb.example:443')).toBe('wss://lb.example:443/v1/ws');
  });

  it('never uses more workers than clients, and answers --help with nothing', () => {
    expect(parse('--scenario', 'player-session', '--clients', '1')!.workers).toBe(1);
    expect(parse('--help')).toBeUndefined();
  });

  it.each([
    [[], /--scenario is required/],
    [['--scenario', 'stampede'], /expected player-session \| challenge-rush \| reconnect-storm/],
    [['--scenario', 'player-session', '--clients', '0'], /--clients 0/],
    [['--scenario', 'player-session', '--clients', '2.5'], /whole number/],
    [['--scenario', 'player-session', '--duration', 'soon'], /--duration soon/],
    [['--scenario', 'player-session', '--protocol', 'xml'], /msgpack \| json/],
    [['--scenario', 'player-session', '--wave-fraction', '2'], /--wave-fraction 2/],
    [['--scenario', 'player-session', '--url', 'ftp://127.0.0.1'], /expected http/],
    [['--scenario', 'player-session', '--url', 'http://10.0.0.7:8080'], /not this machine; pass --allow-remote/],
    [['--scenario', 'player-session', '--frobnicate'], /Unknown option/],
  ])('refuses %j', (argv, message) => {
    expect(() => parse(...argv)).toThrow(ArgsError);
    expect(() => parse(...argv)).toThrow(message);
  });

  it('stays on this machine unless told otherwise', () => {
    for (const host of ['127.0.0.1', '127.3.2.1', 'localhost', '[::1]']) expect(isLoopback(host), host).toBe(true);
    for (const host of ['10.0.0.7', 'example.com', '128.0.0.1']) expect(isLoopback(host), host).toBe(false);
    expect(parse('--scenario', 'player-session', '--url', 'http://10.0.0.7:8080', '--allow-remote')!.url).toBe('http://10.0.0.7:8080');
  });
});

describe('the plot', () => {
  function timelineOf(seconds: number) {
    const timeline = new Timeline();
    const bucket = new SecondBuckets(0, () => 1e9);
    for (let s = 0; s < seconds; s++) {
      if (s === 3) continue; // a second with nothing
      for (let i = 0; i < 10 + s; i++) {
        const at = s * 1_000 + i;
        bucket.count('acked', 1, at);
        bucket.count('pushes', 2, at);
        bucket.latency('ack', 1 + i / 10, at);
        bucket.latency('push', 2 + i / 10, at);
      }
    }
    bucket.drain().forEach((second) => timeline.add(second));
    return timeline;
  }

  it('is a well-formed SVG image with throughput and p50/p99 series, one point per second with data', () => {
    const svg = renderPlot(plotSeries(timelineOf(8), 'player-session <20 clients> & "json"', 6, 100));
    const root = parseXml(svg);
    expect(root.name).toBe('svg');
    expect(root.attributes).toMatchObject({ xmlns: 'http://www.w3.org/2000/svg', viewBox: expect.stringMatching(/^0 0 \d+ \d+$/) });
    const paths = descendants(root).filter((element) => element.name === 'path');
    expect(paths.map((path) => path.attributes['data-series'])).toEqual(['commands-per-s', 'pushes-per-s', 'ack-p50', 'ack-p99', 'push-p50', 'push-p99']);
    const points = (key: string) => (paths.find((path) => path.attributes['data-series'] === key)!.attributes.d!.match(/[ML]/g) ?? []).length;
    expect(points('commands-per-s')).toBe(8); // counts are 0 in the empty second, still a point
    expect(points('ack-p99')).toBe(7); // no latency in second 3: the line breaks there
    expect(paths.find((path) => path.attributes['data-series'] === 'ack-p99')!.attributes.d!.match(/M/g)).toHaveLength(2);
    for (const path of paths) expect(path.attributes.d).toMatch(/^M[\d.]+ [\d.]+( [ML][\d.]+ [\d.]+)*$/);
    const texts = descendants(root).filter((element) => element.name === 'text').map((element) => element.text);
    expect(texts).toContain('player-session &lt;20 clients&gt; &amp; &quot;json&quot;');
    expect(texts).toEqual(expect.arrayContaining(['commands acked/s', 'command → ack p99', 'command → own push p50', 'p99 budget 100 ms', 'load ends']));
    // p50 dashed, p99 solid, in the colour of its latency.
    const style = (key: string) => paths.find((path) => path.attributes['data-series'] === key)!.attributes;
    expect(style('ack-p50')['stroke-dasharray']).toBeDefined();
    expect(style('ack-p99')['stroke-dasharray']).toBeUndefined();
    expect(style('ack-p50').stroke).toBe(style('ack-p99').stroke);
  });

  it('draws the ranking series only when there were ranking updates, and survives an empty run', () => {
    const empty = renderPlot(plotSeries(new Timeline(), 'nothing'));
    const paths = descendants(parseXml(empty)).filter((element) => element.name === 'path');
    expect(paths.map((path) => path.attributes['data-series'])).toEqual(['commands-per-s', 'pushes-per-s']);
    expect(paths.every((path) => !/NaN|Infinity/.test(path.attributes.d!))).toBe(true);
  });

  it('puts ticks on 1, 2 and 5 times a power of ten', () => {
    expect([0.3, 1, 1.2, 3, 7, 12, 180, 4_100].map(niceStep)).toEqual([0.5, 1, 2, 5, 10, 20, 200, 5_000]);
  });
});

describe('what a run counts as missed', () => {
  it('counts the events each challenge watcher lacks against the furthest watcher', () => {
    const outcomes = challengeOutcomes([{ challengeVersions: { c1: [40, 40, 38], c2: [7] } }, { challengeVersions: { c1: [40, 39] } }]);
    expect(outcomes).toEqual([
      { challengeId: 'c1', watchers: 5, version: 40, behind: 2, missed: 3 },
      { challengeId: 'c2', watchers: 1, version: 7, behind: 0, missed: 0 },
    ]);
  });

  it('fails a run on any error, missed, gapped or doubled event, or when nothing was done', () => {
    const timeline = new Timeline();
    const clean = { failures: [], totals: { errors: 0, missed: 0, duplicated: 0, gaps: 0, resnaps: 3 }, timeline };
    expect(verdict(clean)).toEqual(['no command was acknowledged']);
    const bucket = new SecondBuckets(0, () => 5_000);
    bucket.count('acked', 1, 10);
    bucket.drain().forEach((second) => timeline.add(second));
    expect(verdict(clean)).toEqual([]);
    expect(verdict({ ...clean, totals: { ...clean.totals, duplicated: 1 } })).toEqual(['1 event(s) delivered twice']);
    expect(verdict({ ...clean, totals: { ...clean.totals, missed: 2, gaps: 1, errors: 4 } })).toHaveLength(3);
    expect(verdict({ ...clean, failures: ['worker 1 exited (SIGKILL) before its final report'] })).toHaveLength(1);
  });
});
