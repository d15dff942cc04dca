import { HttpPlayer } from './server.js';

export interface Answer {
  id: string;
  status: number;
  code: string | undefined;
  ms: number;
}

/**
 * Players logging water over HTTP in closed loops until stopped: every command has its own id,
 * and every answer is kept (a request the server never answers fails the fetch after `timeoutMs`,
 * and counts as status 0).
 */
export class WaterLoad {
  readonly answers: Answer[] = [];
  private running = true;
  private loops: Promise<void>[] = [];

  static async start(url: string, players: number, prefix: string, timeoutMs = 10_000): Promise<WaterLoad> {
    const all = await Promise.all(Array.from({ length: players }, (_, i) => new HttpPlayer(url, `${prefix}${i}`).login()));
    for (const player of all) {
      const registered = await player.command(`user/${player.userId}`, 'user.register', { displayName: player.userId, timezone: 'UTC' });
      if (registered.status !== 200) throw new Error(`registering ${player.userId}: ${registered.status} ${JSON.stringify(registered.body)}`);
    }
    const load = new WaterLoad();
    load.loops = all.map((player) => load.loop(player, timeoutMs));
    return load;
  }

  /** Ids of the commands the server acknowledged. */
  acknowledged(): string[] {
    return this.answers.filter((answer) => answer.status === 200).map((answer) => answer.id);
  }

  since(at: number): Answer[] {
    return this.answers.slice(at);
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
  }

  private async loop(player: HttpPlayer, timeoutMs: number): Promise<void> {
    for (let n = 1; this.running; n++) {
      const id = `${player.userId}-w${n}`;
      const started = performance.now();
      let status = 0;
      let code: string | undefined;
      let timer: NodeJS.Timeout | undefined;
      try {
        const answer = await Promise.race([
          player.command(`user/${player.userId}`, 'water.log', { ml: 100, drankAt: Date.now() }, id),
          new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error('no answer')), timeoutMs))),
        ]);
        status = answer.status;
        code = answer.body?.error?.code;
      } catch {
        // status 0: unanswered, or the connection refused
      } finally {
        clearTimeout(timer);
      }
      this.answers.push({ id, status, code, ms: performance.now() - started });
      // A failed command is not retried here: the test counts what was acknowledged.
      if (status !== 200) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}
