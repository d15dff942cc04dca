// What a client does with topic versions (docs/PROTOCOL.md, "Watching" and "Resuming"), as
// plain functions over plain state, without any import: the k6 session applies them, the
// vitest suite checks them.

/** A watched topic: the last version applied, and whether a re-subscription is on its way. */
export function watched() {
  return { last: undefined, resyncing: false };
}

/** A snap replaces the state: its version becomes the last one. */
export function onSnap(topic, version) {
  topic.last = version;
  topic.resyncing = false;
}

/**
 * An event of the topic. Returns what to do:
 * - `apply`: the next version; it is applied;
 * - `duplicate`: at or below the last version: dropped (the server sent it twice);
 * - `gap`: beyond the next version: dropped; `missing` events were skipped (counted once per gap)
 *   and `resubscribe` says whether to send `sub {topic, fromVersion: last}` now;
 * - `early`: before the first snap: nothing to apply it to.
 */
export function onEvent(topic, version) {
  if (topic.last === undefined) return { kind: 'early' };
  if (version <= topic.last) return { kind: 'duplicate' };
  if (version > topic.last + 1) {
    const first = !topic.resyncing;
    topic.resyncing = true;
    return { kind: 'gap', missing: first ? version - topic.last - 1 : 0, resubscribe: first };
  }
  topic.last = version;
  topic.resyncing = false;
  return { kind: 'apply' };
}

/**
 * Times command → push on the player's own topic: an ack reports the version its command left the
 * actor at; the event of that version is the command's last one. Whichever of the two arrives
 * first waits for the other.
 */
export function pushTimer() {
  return { ackedVersion: 0, awaiting: {}, early: {}, earlyVersions: [] };
}

/**
 * An ack of `version` for a command sent at `sentAt` (`meta` travels with it: tags). Returns
 * `{latency, meta}` if its event came first, else undefined (onOwnEvent will).
 */
export function onAck(timer, version, sentAt, deliveredVersion, meta) {
  if (version > timer.ackedVersion) timer.ackedVersion = version;
  if (timer.early[version] !== undefined) {
    const latency = timer.early[version] - sentAt;
    delete timer.early[version];
    return { latency: latency, meta: meta };
  }
  // Already delivered (the command caused no event, or a snap covered it): nothing to time.
  if (deliveredVersion !== undefined && deliveredVersion >= version) return undefined;
  timer.awaiting[version] = { sentAt: sentAt, meta: meta };
  return undefined;
}

/** An event of the own topic at `at`; returns `{latency, meta}` if its ack came first. */
export function onOwnEvent(timer, version, at) {
  const acked = timer.awaiting[version];
  if (acked !== undefined) {
    delete timer.awaiting[version];
    return { latency: at - acked.sentAt, meta: acked.meta };
  }
  timer.early[version] = at;
  timer.earlyVersions.push(version);
  // Events no command of ours claims (a system command's) must not pile up.
  if (timer.earlyVersions.length > 64) delete timer.early[timer.earlyVersions.shift()];
  return undefined;
}

/** A snap of the own topic: acks at or below it will never see their own push. */
export function onOwnSnap(timer, version) {
  for (const key of Object.keys(timer.awaiting)) if (Number(key) <= version) delete timer.awaiting[key];
}
