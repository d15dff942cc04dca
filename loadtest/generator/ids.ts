/**
 * Command ids that carry the moment they were sent (epoch µs, base 36), so that any worker that
 * sees the event a command caused can time the push, with nothing shared but the machine's clock.
 * The challenge's `challenge.progress.recorded` names its source as
 * `<userId>:<command id>:<event index>`, which is how a ranking update leads back to its command.
 *
 * @example
 * const id = commandId('k3f9a.17', 4, epochNow()); // 'k3f9a.17.4.t1b2c3d4e5'
 * sentAtOf(`u17:${id}:0`);                          // the epoch ms it was sent
 */
export function commandId(prefix: string, seq: number, sentAtMs: number): string {
  return `${prefix}.${seq}.t${Math.round(sentAtMs * 1_000).toString(36)}`;
}

const stamped = /\.t([0-9a-z]{1,12})(?=$|:)/;

/** The send time (epoch ms) a command id, or a text embedding one, carries; undefined if none. */
export function sentAtOf(text: unknown): number | undefined {
  if (typeof text !== 'string') return undefined;
  const match = stamped.exec(text);
  if (!match) return undefined;
  const micros = parseInt(match[1]!, 36);
  return Number.isSafeInteger(micros) ? micros / 1_000 : undefined;
}

/** A short random tag that keeps one run's players and commands apart from another's. */
export function runTag(random: () => number = Math.random): string {
  return Math.floor(random() * 36 ** 6).toString(36).padStart(6, '0');
}
