import WebSocket from 'ws';
import { GamifierClient } from '../../protocol/client/index.js';
import { socketUrl, type LoadOptions } from './args.js';
import { devToken, type PlayerToken } from './tokens.js';

/**
 * Before any worker starts: connects once as a host player (the first of the tokens file, or a
 * dev-token player of its own), so that a server that is down or refuses us fails the run at
 * once and plainly; and, for scenarios with challenges, creates them — a water-ml challenge per
 * `challengeSize` players, running from now until well after the run.
 */
export async function prepare(options: LoadOptions, runTag: string, host: PlayerToken | undefined, withChallenges: boolean): Promise<string[]> {
  let token = host?.token;
  if (token === undefined) {
    try {
      token = await devToken(options.url, `lt${runTag}-host`);
    } catch (error) {
      throw new Error(`cannot get a dev token from ${options.url}: ${(error as Error).message} (is the server running? one in production mode needs --tokens)`);
    }
  }
  const client = new GamifierClient({
    url: socketUrl(options.url),
    token,
    WebSocket,
    protocol: options.protocol,
    reconnect: false,
    connectTimeoutMs: 10_000,
    commandTimeoutMs: options.commandTimeoutMs,
  });
  try {
    await client.opened.catch((error: Error) => {
      throw new Error(`cannot open a session at ${socketUrl(options.url)}: ${error.message}`);
    });
    if (!withChallenges) return [];
    const startsAt = client.welcome!.serverTime;
    const ids: string[] = [];
    for (let k = 0; k < Math.ceil(options.clients / options.challengeSize); k++) {
      const challengeId = `lt${runTag}-c${k}`;
      const size = Math.min(options.challengeSize, options.clients - k * options.challengeSize);
      const result = await client.send({
        to: `challenge/${challengeId}`,
        type: 'challenge.create',
        payload: {
          title: `Load test ${options.scenario} ${runTag} #${k + 1}`,
          kind: 'water-ml',
          startsAt,
          endsAt: startsAt + options.durationS * 1_000 + 10 * 60_000,
          maxParticipants: Math.max(2, size),
        },
      });
      if (result.status !== 'ok') throw new Error(`cannot create challenge ${challengeId}: ${result.code} ${result.reason ?? ''} ${result.message}`);
      ids.push(challengeId);
    }
    return ids;
  } finally {
    await client.close();
  }
}
