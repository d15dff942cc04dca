import { describe, expect, it } from 'vitest';
import { Singleton, type ClusterWork } from '../singleton.js';

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Work that records what happened to it, and fails its first `failures` starts. */
function recordingWork(failures: number): ClusterWork & { log: string[] } {
  let left = failures;
  const log: string[] = [];
  return {
    log,
    async start() {
      await sleep(5);
      if (left-- > 0) {
        log.push('start failed');
        throw new Error('database away');
      }
      log.push('started');
    },
    async stop() {
      await sleep(5);
      log.push('stopped');
    },
  };
}

describe('cluster-wide work under the lease of shard 0', () => {
  it('runs starts and stops one after the other, never twice in a row', async () => {
    const work = recordingWork(0);
    const singleton = new Singleton(work, quiet);
    singleton.start();
    await singleton.settled();
    singleton.start();
    await Promise.all([singleton.stop(), singleton.stop()]);
    singleton.start();
    await singleton.settled();
    expect(work.log).toEqual(['started', 'stopped', 'started']);
  });

  it('skips a start that a stop overtook before it ran', async () => {
    const work = recordingWork(0);
    const singleton = new Singleton(work, quiet);
    singleton.start();
    await singleton.stop();
    expect(work.log).toEqual([]);
  });

  it('undoes a start that failed and tries again while the work is wanted', async () => {
    const work = recordingWork(2);
    const singleton = new Singleton(work, quiet, 20);
    singleton.start();
    for (let i = 0; i < 100 && !work.log.includes('started'); i++) await sleep(10);
    expect(work.log).toEqual(['start failed', 'stopped', 'start failed', 'stopped', 'started']);
  });

  it('gives up trying once the shard is handed over', async () => {
    const work = recordingWork(100);
    const singleton = new Singleton(work, quiet, 20);
    singleton.start();
    await singleton.settled();
    await singleton.stop();
    const seen = work.log.length;
    await sleep(100);
    expect(work.log.length).toBe(seen);
    expect(work.log).not.toContain('started');
  });
});
