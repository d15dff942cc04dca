import { Type, type TSchema } from '@sinclair/typebox';
import { Subprotocol, WEBSOCKET_PATH } from '../codecs.js';
import { clientFrameSchemas, serverFrameSchemas, type ClientFrameType, type ServerFrameType } from '../frames.js';
import { commandBody } from './http.js';

/** The `cmd` frame: the body of `POST /v1/commands` plus `t` (frames.ts checks it with validateClientCommand). */
export const CmdFrameSchema = commandBody({ t: Type.Literal('cmd') });

/** Every frame a client sends, by `t`, with its schema (protocol/frames.ts). */
export const clientFrames = { ...clientFrameSchemas, cmd: CmdFrameSchema } satisfies Record<ClientFrameType, TSchema>;
/** Every frame the server sends, by `t`, with its schema (protocol/frames.ts). */
export const serverFrames: Record<ServerFrameType, TSchema> = serverFrameSchemas;

const summaries: Record<ClientFrameType | ServerFrameType, string> = {
  hello: 'Authenticate (the first frame); sent again while open, renew the token',
  cmd: 'A command to an actor; answered ack or err with the same id',
  sub: 'Watch a topic; without fromVersion, from a snap',
  unsub: 'Stop watching a topic; no answer',
  ping: 'Keepalive; answered pong echoing n',
  welcome: 'The player is authenticated (or their token renewed) until expiresAt',
  ack: "The command was applied: the actor's version after it",
  err: 'An error about a command (id), a sub (topic), or the connection',
  snap: "A topic's whole state at a version",
  evt: "One event of a topic; version is the topic's version after it",
  pong: 'Answers ping',
  bye: 'The server is about to close the connection with this close code',
};

/** What answers a client frame (docs/PROTOCOL.md, Sequences). */
const replies: Partial<Record<ClientFrameType, ServerFrameType[]>> = {
  hello: ['welcome', 'err'],
  cmd: ['ack', 'err'],
  sub: ['snap', 'err'],
  ping: ['pong'],
};

const json = (schema: TSchema): unknown => JSON.parse(JSON.stringify(schema));
const ref = (path: string) => ({ $ref: `#/${path}` });
const message = (t: string) => ref(`channels/session/messages/${t}`);

/**
 * The AsyncAPI 3 document of the WebSocket protocol (served at `GET /v1/asyncapi.json`), made from
 * the frame schemas above: a change to a frame's schema is a change to the document. It describes
 * the server: it receives the client frames and sends the server frames.
 *
 * @example
 * const document = asyncApiDocument({ host: 'localhost:8080' });
 * document.components.messages.snap.payload; // the snap frame's JSON Schema
 */
export function asyncApiDocument(options: { host: string; protocol?: 'ws' | 'wss' }) {
  const frames: Record<string, TSchema> = { ...clientFrames, ...serverFrames };
  const names = Object.keys(frames) as (ClientFrameType | ServerFrameType)[];
  const operation = (action: 'send' | 'receive', t: string) => {
    const answers = replies[t as ClientFrameType];
    return {
      action,
      channel: ref('channels/session'),
      summary: summaries[t as ClientFrameType],
      messages: [message(t)],
      ...(answers ? { reply: { channel: ref('channels/session'), messages: answers.map(message) } } : {}),
    };
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Gamifier WebSocket protocol',
      version: '1',
      description:
        `Commands and watched topics over one WebSocket (docs/PROTOCOL.md). Subprotocol ${Subprotocol.json} carries each frame as ` +
        `one JSON text message, ${Subprotocol.msgpack} as one MessagePack binary message; both carry the same values. ` +
        'Frames from the server may grow new fields; frames to the server are checked strictly.',
    },
    defaultContentType: 'application/json',
    servers: {
      gamifier: { host: options.host, protocol: options.protocol ?? 'ws', pathname: WEBSOCKET_PATH, description: 'The same port as the HTTP API.' },
    },
    channels: {
      session: {
        address: WEBSOCKET_PATH,
        title: 'A player session',
        messages: Object.fromEntries(names.map((t) => [t, ref(`components/messages/${t}`)])),
      },
    },
    operations: {
      ...Object.fromEntries(Object.keys(clientFrames).map((t) => [`receive-${t}`, operation('receive', t)])),
      ...Object.fromEntries(Object.keys(serverFrames).map((t) => [`send-${t}`, operation('send', t)])),
    },
    components: {
      messages: Object.fromEntries(names.map((t) => [t, { name: t, title: `${t} frame`, summary: summaries[t], payload: json(frames[t]!) }])),
    },
  };
}
