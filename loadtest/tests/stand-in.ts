import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FakeServer } from '../../protocol/tests/fake-server.js';

/**
 * A stand-in for the game server, for the generator's tests while the real gateway is not wired:
 * the protocol's FakeServer (real sockets, real frames and codecs, tokens `token-<userId>`) taught
 * just enough of the game for the scenarios. A command to `user/<id>` appends one event; a
 * `water.log` of a player who joined a challenge also appends a `challenge.progress.recorded`
 * naming its command (`<userId>:<command id>:0`), as the challenge actor does. It can also
 * misbehave on purpose: push an event twice, or skip one, every so often.
 */
export class StandIn {
  private readonly joined = new Map<string, Set<string>>();
  private published = 0;

  private constructor(
    readonly fake: FakeServer,
    private readonly faults: { duplicateEvery?: number; gapEvery?: number },
  ) {
    fake.onCommand = (frame, connection) => {
      const userId = connection.userId!;
      if (fake.applied.has(frame.id)) return 'apply'; // a resent command: answered as a duplicate, nothing new
      if (frame.type === 'challenge.join') {
        const challengeId = frame.to.slice('challenge/'.length);
        this.joined.set(userId, (this.joined.get(userId) ?? new Set()).add(challengeId));
      }
      if (frame.type === 'water.log') {
        for (const challengeId of this.joined.get(userId) ?? []) {
          const data = { userId, delta: frame.payload.ml, sourceEventId: `${userId}:${frame.id}:0`, at: Date.now() };
          this.publish(`challenge/${challengeId}`, { type: 'challenge.progress.recorded', data });
        }
      }
      return 'apply';
    };
  }

  static async start(faults: { duplicateEvery?: number; gapEvery?: number } = {}): Promise<StandIn> {
    return new StandIn(await FakeServer.start(), faults);
  }

  /** The base URL the generator takes (`--url`); the fake accepts the socket on any path. */
  get url(): string {
    return this.fake.url.replace(/^ws/, 'http').replace(/\/$/, '');
  }

  /** A tokens file for `count` players, in `dir` (the first player doubles as the challenges' creator). */
  async tokensFile(count: number, dir: string, prefix = 'p'): Promise<string> {
    const file = path.join(dir, 'tokens.json');
    const tokens = Array.from({ length: count }, (_, i) => ({ userId: `${prefix}${i}`, token: `token-${prefix}${i}` }));
    await writeFile(file, JSON.stringify(tokens));
    return file;
  }

  stop(): Promise<void> {
    return this.fake.stop();
  }

  private publish(topic: string, event: { type: string; data: unknown }): void {
    this.published++;
    const { duplicateEvery, gapEvery } = this.faults;
    const skip = gapEvery !== undefined && this.published % gapEvery === 0;
    const version = this.fake.publish(topic, event, { silently: skip });
    if (duplicateEvery !== undefined && this.published % duplicateEvery === 0) this.fake.pushEvent(topic, version);
  }
}
