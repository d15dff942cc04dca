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
 */
export const serverNodeFlags: readonly string[] = ['--max-semi-space-size=64'];
