import { jsonCodec } from '../../../protocol/codecs.js';
import { answerFrame, defaultLimits, errFrame, parseClientFrame, type ClientFrame, type CmdFrame, type ServerFrame } from '../../../protocol/frames.js';
import { authorizeTopic } from '../../../protocol/topics.js';

/**
 * The world the k6 shim runs scripts in: a virtual clock, the metrics they report, and a small
 * in-memory server speaking the JSON subprotocol. Everything a script sends goes through the
 * protocol's own decoder and `parseClientFrame`; what they refuse is kept in `refused`.
 * Kept on globalThis so that every shim module, however it was imported, sees the same world.
 */
export interface Sample {
  value: number;
  tags: Record<string, string>;
}

export interface Faults {
  /** Push every Nth event twice. */
  duplicateEvery?: number;
  /** Leave every Nth event out of the pushes (it stays in the log, for a resume to bring). */
  gapEvery?: number;
}

interface Task {
  at: number;
  seq: number;
  run: () => void;
}

/** One connection's timers and deliveries, run in time order by `ws.connect`. */
export class Loop {
  private readonly tasks: Task[] = [];
  private seq = 0;

  constructor(private readonly world: World) {}

  at(at: number, run: () => void): void {
    this.tasks.push({ at, seq: this.seq++, run });
  }

  after(ms: number, run: () => void): void {
    this.at(this.world.clock + Math.max(0, ms), run);
  }

  /** Runs the next task; false when there is none. */
  step(): boolean {
    if (this.tasks.length === 0) return false;
    this.tasks.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const task = this.tasks.shift()!;
    this.world.clock = Math.max(this.world.clock, task.at);
    task.run();
    return true;
  }
}

export interface Peer {
  userId?: string;
  topics: Set<string>;
  /** Sends a frame after about `delayMs`; a connection delivers in order, as TCP does. */
  deliver(frame: ServerFrame, delayMs: number): void;
}

export class World {
  clock = Date.UTC(2026, 10, 22, 12, 0, 0);
  readonly samples = new Map<string, Sample[]>();
  readonly metricTypes = new Map<string, string>();
  /** Every frame the scripts sent that the protocol accepts, in order. */
  readonly frames: ClientFrame[] = [];
  /** Every frame the protocol refused, with why. */
  readonly refused: Array<{ text: string; message: string }> = [];
  readonly upgrades: Array<{ url: string; protocol: string | undefined }> = [];
  readonly logs = new Map<string, Array<{ type: string; data: unknown }>>();
  readonly checks: Array<{ name: string; ok: boolean }> = [];
  private readonly applied = new Map<string, { version: number }>();
  private readonly registered = new Set<string>();
  private readonly joined = new Map<string, Set<string>>();
  private readonly peers = new Set<Peer>();
  private readonly codec = jsonCodec();
  private pushed = 0;

  constructor(readonly faults: Faults = {}) {}

  record(name: string, value: number, tags: Record<string, string> = {}): void {
    const list = this.samples.get(name) ?? [];
    list.push({ value, tags });
    this.samples.set(name, list);
  }

  values(name: string, tags: Record<string, string> = {}): number[] {
    return (this.samples.get(name) ?? []).filter((s) => Object.entries(tags).every(([k, v]) => s.tags[k] === v)).map((s) => s.value);
  }

  sum(name: string): number {
    return this.values(name).reduce((a, b) => a + b, 0);
  }

  version(topic: string): number {
    return this.logs.get(topic)?.length ?? 0;
  }

  connect(peer: Peer): () => void {
    this.peers.add(peer);
    return () => this.peers.delete(peer);
  }

  /** A text frame from a script. Answers go through `peer.deliver`, a few ms later (sometimes later still). */
  receive(peer: Peer, text: string): void {
    const decoded = this.codec.decode(text);
    const parsed = decoded.ok ? parseClientFrame(decoded.value) : decoded;
    if (!parsed.ok) {
      this.refused.push({ text, message: `${parsed.code}: ${parsed.message}` });
      peer.deliver(errFrame(parsed), 1);
      return;
    }
    const frame = parsed.value;
    this.frames.push(frame);
    if (frame.t === 'hello') {
      if (!frame.token.startsWith('token-')) return peer.deliver(errFrame({ code: 'AUTH_INVALID', message: 'not a shim token' }), 1);
      peer.userId = frame.token.slice('token-'.length);
      return peer.deliver({ t: 'welcome', userId: peer.userId, node: 'k6-shim', serverTime: Math.floor(this.clock), limits: defaultLimits }, 1);
    }
    if (!peer.userId) return peer.deliver(errFrame({ code: 'HELLO_REQUIRED', message: 'say hello first' }), 1);
    switch (frame.t) {
      case 'ping':
        return peer.deliver({ t: 'pong', n: frame.n, serverTime: Math.floor(this.clock) } as ServerFrame, 1);
      case 'unsub':
        peer.topics.delete(frame.topic);
        return;
      case 'sub':
        return this.subscribe(peer, frame.topic, frame.fromVersion);
      case 'cmd':
        return this.command(peer, frame);
    }
  }

  private subscribe(peer: Peer, topic: string, fromVersion: number | undefined): void {
    const allowed = authorizeTopic(peer.userId!, topic);
    if (!allowed.ok) return peer.deliver(errFrame({ ...allowed, topic }), 1);
    peer.topics.add(topic);
    const version = this.version(topic);
    if (fromVersion === undefined || fromVersion > version) return peer.deliver({ t: 'snap', topic, version, state: {} }, 1);
    const log = this.logs.get(topic) ?? [];
    for (let v = fromVersion + 1; v <= version; v++) peer.deliver({ t: 'evt', topic, version: v, event: log[v - 1]! }, 1);
  }

  private command(peer: Peer, frame: CmdFrame): void {
    const userId = peer.userId!;
    const delay = 1 + Math.floor(Math.random() * 20);
    const seen = this.applied.get(frame.id);
    if (seen) return peer.deliver(answerFrame(frame.id, { status: 'ok', version: seen.version, duplicate: true }), delay);
    if (frame.to.startsWith('user/') && frame.to !== `user/${userId}`) {
      return peer.deliver(answerFrame(frame.id, { status: 'failed', code: 'AUTH_FORBIDDEN', message: 'not your actor' }), delay);
    }
    const reject = (code: string) => peer.deliver(answerFrame(frame.id, { status: 'rejected', code, message: code }), delay);
    const challengeId = frame.to.startsWith('challenge/') ? frame.to.slice('challenge/'.length) : undefined;
    const events: Array<{ topic: string; type: string; data: unknown }> = [];
    const emit = (type: string, data: unknown, topic = frame.to) => events.push({ topic, type, data });
    switch (frame.type) {
      case 'user.register':
        if (this.registered.has(userId)) return reject('USER_ALREADY_REGISTERED');
        this.registered.add(userId);
        emit('user.registered', frame.payload);
        break;
      case 'meal.log':
        emit('nutrition.meal.logged', frame.payload);
        emit('points.earned', { amount: 10 });
        break;
      case 'water.log':
        emit('nutrition.water.logged', frame.payload);
        for (const joined of this.joined.get(userId) ?? []) {
          const data = { userId, delta: frame.payload.ml, sourceEventId: `${userId}:${frame.id}:0`, at: Math.floor(this.clock) };
          emit('challenge.progress.recorded', data, `challenge/${joined}`);
        }
        break;
      case 'challenge.create':
        if (this.version(frame.to) > 0) return reject('CHALLENGE_ALREADY_EXISTS');
        emit('challenge.created', frame.payload);
        break;
      case 'challenge.join': {
        const mine = this.joined.get(userId) ?? new Set<string>();
        if (mine.has(challengeId!)) return reject('CHALLENGE_ALREADY_JOINED');
        this.joined.set(userId, mine.add(challengeId!));
        emit('challenge.participant.joined', { userId });
        break;
      }
      default:
        emit(`${frame.type}.applied`, frame.payload);
    }
    const version = this.version(frame.to) + events.filter((event) => event.topic === frame.to).length;
    this.applied.set(frame.id, { version });
    // The ack and the pushes race, as they do on a real gateway: either may come first.
    const ackFirst = Math.random() < 0.5;
    if (ackFirst) peer.deliver(answerFrame(frame.id, { status: 'ok', version, duplicate: false }), delay);
    for (const event of events) this.append(event.topic, event.type, event.data);
    if (!ackFirst) peer.deliver(answerFrame(frame.id, { status: 'ok', version, duplicate: false }), delay);
  }

  /** Appends an event and pushes it to every peer watching the topic (faults permitting). */
  private append(topic: string, type: string, data: unknown): void {
    const log = this.logs.get(topic) ?? [];
    this.logs.set(topic, log);
    log.push({ type, data });
    const evt: ServerFrame = { t: 'evt', topic, version: log.length, event: { type, data } };
    for (const peer of this.peers) {
      if (!peer.topics.has(topic)) continue;
      this.pushed++;
      if (this.faults.gapEvery && this.pushed % this.faults.gapEvery === 0) continue;
      peer.deliver(evt, Math.floor(Math.random() * 25));
      if (this.faults.duplicateEvery && this.pushed % this.faults.duplicateEvery === 0) peer.deliver(evt, 25);
    }
  }
}

const key = Symbol.for('gamifier.k6-shim.world');

export function world(): World {
  const current = (globalThis as Record<symbol, World | undefined>)[key];
  if (!current) throw new Error('no k6 shim world: call resetWorld() first');
  return current;
}

export function resetWorld(faults: Faults = {}): World {
  const fresh = new World(faults);
  (globalThis as Record<symbol, World | undefined>)[key] = fresh;
  return fresh;
}
