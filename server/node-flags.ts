/**
 * The V8 flags the server runs with, wherever it is started: `npm start`, the Dockerfile's CMD,
 * CI's smoke run, and the benchmarks that start servers or host the runtime (a test checks that
 * they agree).
 *
 * Larger young-generation semi-spaces (64 MB, against V8's 16 MB): under load every command's
 * objects live for the few milliseconds of its round trip through the database, so a small young
 * generation is collected so often that they survive and are copied, and each actor's new state
 * is copied twice before it settles in the old generation. Measured with the actors benchmark on
 * 2 cores: 16 MB gave the lowest throughput and a p99 of 23–30 ms at half load; 128 MB the most
 * throughput but scavenges of 10–37 ms (p99 24 ms); 64 MB nearly 128's throughput with a p99 of
 * 13–18 ms (docs/BENCHMARKS.md). The cost is up to 192 MB of young generation, used only as the
 * allocation rate needs it.
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
export const serverNodeFlags: readonly string[] = ['--max-semi-space-size=64', '--no-allocation-site-pretenuring'];
