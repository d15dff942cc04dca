/**
 * The V8 flags the server runs with, wherever it is started: `npm start`, the Dockerfile's CMD,
 * CI's smoke run, and the benchmarks that start servers or host the runtime (a test checks that
 * they agree).
 *
 * A 16 MB young generation (V8's default, named so that a V8 upgrade cannot change it): a
 * scavenge pauses every request in flight, and its pause grows with the young generation, since
 * each one copies what lived through it (the commands in the database, the actors' new states).
 * Measured on 2 cores with PostgreSQL and the clients on the same machine (docs/BENCHMARKS.md,
 * 2026-12-06), 16 MB against the 64 MB shipped before, runs alternating: scavenges of 8–15 ms
 * against 18–24 ms on average in the server under `npm run bench push` at 5,000 commands/s, and
 * a lower p99 command → ack in 4 pairs of 5; the runtime's p99 at half load (actors benchmark
 * (c)) 18.2 / 15.3 ms against 24.3 / 31.7 ms. 64 MB collects less often and so spends less CPU
 * on it: the saturated runtime alone ran 35–39,000 commands/s against 32–35,000, while the
 * whole server at saturation ran 8,073–8,646 against 7,265–7,700 commands/s. A player sees the
 * pause, not the collector's share, so the smaller young generation it is.
 *
 * No allocation-site pretenuring: V8 watches which object literals survive scavenges and, for a
 * site whose objects mostly do, allocates them in the old generation from then on. An actor's
 * state lives until its next command, a little longer than two scavenges under load, so the
 * sites of actor states get pretenured; the old generation then fills with states that die soon
 * after, and the scavenger tracks every pointer from them into the young generation. Measured on
 * the runtime at 12,600 commands/s over 10,000 actors for 30 s, alone in a process: scavenges
 * of 19.1 ms on average with 7 mark-compacts and a p99 of 42.8 ms with pretenuring, 6.6 ms with
 * none and a p99 of 11.0 ms without (docs/BENCHMARKS.md).
 */
export const serverNodeFlags: readonly string[] = ['--max-semi-space-size=16', '--no-allocation-site-pretenuring'];
