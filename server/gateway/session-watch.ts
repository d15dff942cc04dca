import type { ErrorCode } from '../../protocol/errors.js';
import type { EvtFrame, SnapFrame } from '../../protocol/frames.js';
import type { TopicSink, TopicWatch } from './topics/source.js';

/** What a watch needs of its session. */
export interface WatchOwner {
  push(frame: SnapFrame | EvtFrame): void;
  watchFailed(watch: SessionWatch, code: ErrorCode, message: string): void;
  ready(): Promise<void>;
  batch(work: () => void): void;
}

/** A session's end of one watch: frames go out through the session until it is closed. */
export class SessionWatch implements TopicSink {
  private active = true;
  private handle: TopicWatch | undefined;

  constructor(
    private readonly session: WatchOwner,
    readonly topic: string,
  ) {}

  get open(): boolean {
    return this.active;
  }

  attach(handle: TopicWatch): void {
    if (this.active) this.handle = handle;
    else handle.close(); // it failed while starting
  }

  snap(frame: SnapFrame): void {
    if (this.active) this.session.push(frame);
  }

  evt(frame: EvtFrame): void {
    if (this.active) this.session.push(frame);
  }

  fail(code: ErrorCode, message: string): void {
    if (this.active) this.session.watchFailed(this, code, message);
  }

  ready(): Promise<void> {
    return this.session.ready();
  }

  batch(work: () => void): void {
    this.session.batch(work);
  }

  close(): void {
    if (!this.active) return;
    this.active = false;
    this.handle?.close();
  }
}
