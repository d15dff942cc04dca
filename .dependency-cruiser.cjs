/**
 * The layers of DESIGN.md, enforced: server → cluster → game → actors → store, bus; protocol is a
 * leaf shared by server, loadtest and web. Tests (and their support code) may reach anything.
 * `npm test` runs these rules (server/tests/dependency-rules.test.ts); `npx depcruise -c
 * .dependency-cruiser.cjs actors bus cluster game protocol server store web` shows any violation.
 */
const tests = '(^|/)(tests?|test/support)/|\\.test\\.ts$';

/** A rule that `from` (a folder regex) imports nothing under any of `forbidden` (folder names). */
const layer = (name, from, forbidden, comment) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, pathNot: tests },
  to: { path: `^(${forbidden.join('|')})/` },
});

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'Dependencies point one way: no cycles.', severity: 'error', from: { pathNot: tests }, to: { circular: true } },
    layer('protocol-is-a-leaf', '^protocol/', ['actors', 'bus', 'cluster', 'game', 'server', 'store', 'loadtest', 'web'], 'protocol/ is shared with clients: it imports no server code.'),
    layer('store-is-generic', '^store/', ['actors', 'bus', 'cluster', 'game', 'server', 'loadtest', 'web'], 'store/ knows events, never meals, and nothing above it.'),
    layer('bus-is-generic', '^bus/', ['actors', 'cluster', 'game', 'server', 'store', 'loadtest', 'web'], 'bus/ carries bytes; it knows no layer above it.'),
    layer('runtime-knows-no-actor-type', '^actors/runtime/', ['actors/user', 'actors/challenge', 'cluster', 'game', 'server', 'loadtest', 'web'], 'The runtime hosts any actor type and knows none.'),
    layer('actors-below-game', '^actors/', ['cluster', 'game', 'server', 'loadtest', 'web'], 'Actor types sit below the game read models, the cluster and the server.'),
    layer('game-below-cluster', '^game/', ['cluster', 'server', 'loadtest', 'web'], 'The read models sit below the cluster and the server.'),
    layer('cluster-below-server', '^cluster/', ['server', 'loadtest', 'web'], 'The cluster sits below the server.'),
    layer('web-speaks-protocol', '^web/', ['actors', 'bus', 'cluster', 'game', 'server', 'store', 'loadtest'], 'The browser pages know the server only by its protocol and its HTTP API.'),
    layer('nothing-imports-tools', '^(actors|bus|cluster|game|protocol|server|store)/', ['loadtest', 'web'], 'The product never imports its load tools or static files.'),
    {
      name: 'pure-domain',
      comment: 'decide and evolve are pure: no I/O, no store, no bus.',
      // dependency-cruiser names `node:fs` as the core module `fs`: the prefix is optional here.
      severity: 'error',
      from: { path: '^actors/(user|challenge)/(decide|evolve)[^/]*\\.ts$' },
      to: { path: '^(store|bus|server|cluster|game)/|^(node:)?(fs|net|http|child_process|worker_threads)$', dependencyTypes: ['local', 'core'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|dist)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.js'] },
  },
};
