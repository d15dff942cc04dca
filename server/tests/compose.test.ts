import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configEnvNames, loadConfig } from '../config.js';

// No Docker engine runs here: docker-compose.yml and deploy/haproxy.cfg are checked against the
// configuration the server reads, so that a renamed variable or a node left out of the load
// balancer fails here rather than on an operator's machine.

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

interface Service {
  build?: unknown;
  image?: string;
  command?: string[];
  environment?: Record<string, string>;
  ports?: string[];
  volumes?: string[];
  depends_on?: Record<string, { condition: string }> | string[];
  healthcheck?: { test: string[] };
  ulimits?: { nofile?: { soft: number } };
  stop_grace_period?: string;
}

const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, Service> };
const services = compose.services;
/** The Gamifier nodes: the services built from the Dockerfile. */
const nodes = Object.entries(services).filter(([, service]) => service.build !== undefined);

/** Compose's interpolation: `${X}`, `${X:-default}`, `${X-default}`, `${X:?error}`, `${X?error}`, `$$`. */
function interpolate(value: string, vars: Record<string, string>): string {
  return value.replace(/\$\$|\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?)([-?])([^}]*))?\}/g, (all, name?: string, colon?: string, op?: string, arg?: string) => {
    if (name === undefined) return '$';
    const set = vars[name];
    const missing = set === undefined || (colon === ':' && set === '');
    if (!missing) return set;
    if (op === '?') throw new Error(`${name}: ${arg}`);
    return op === '-' ? arg! : '';
  });
}

/** What an operator exports before `docker compose up` (README of the compose file). */
const operator = { JWT_SECRET: 'c'.repeat(64), ADMIN_TOKEN: 'a'.repeat(32), DATA_KEYS: `k1:${Buffer.alloc(32, 1).toString('base64')}` };
const envOf = (service: Service, vars: Record<string, string> = operator) =>
  Object.fromEntries(Object.entries(service.environment ?? {}).map(([name, value]) => [name, interpolate(String(value), vars)]));

/** The environment names server/config.ts and server/bus-prefix.ts read, outside the list itself. */
function namesReadBySource(): Set<string> {
  const source = read('server/config.ts').replace(/export const configEnvNames = \[[\s\S]*?\] as const;/, '') + read('server/bus-prefix.ts');
  const names = [...source.matchAll(/\benv\.([A-Z][A-Z0-9_]*)/g), ...source.matchAll(/'([A-Z][A-Z0-9_]*)'/g)].map((match) => match[1]!);
  return new Set(names);
}

/** haproxy.cfg as sections (`backend nodes`) of lines, comments and blank lines dropped. */
function haproxySections(text: string): Map<string, string[]> {
  const sections = new Map<string, string[]>();
  let current: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    if (/^\S/.test(raw)) sections.set(line, (current = []));
    else current.push(line);
  }
  return sections;
}

const haproxy = haproxySections(read('deploy/haproxy.cfg'));
const section = (name: string) => {
  const lines = haproxy.get(name);
  if (!lines) throw new Error(`deploy/haproxy.cfg has no section "${name}"`);
  return lines;
};
const containerPort = (mapping: string) => Number(mapping.split(':').at(-1));

describe('docker-compose.yml', () => {
  it('runs PostgreSQL, NATS with JetStream, three Gamifier nodes and the load balancer', () => {
    expect(Object.keys(services).sort()).toEqual(['lb', 'nats', 'node1', 'node2', 'node3', 'postgres']);
    expect(nodes.map(([name]) => name)).toEqual(['node1', 'node2', 'node3']);
    expect(services.postgres!.healthcheck).toBeDefined();
    expect(services.nats!.command).toContain('-js');
    expect(services.nats!.healthcheck).toBeDefined();
    expect(services.lb!.image).toMatch(/^haproxy:/);
  });

  it('keeps configEnvNames in step with the names server/config.ts reads', () => {
    const read = namesReadBySource();
    const list = new Set<string>(configEnvNames);
    expect([...read].filter((name) => !list.has(name)), 'read but not in configEnvNames').toEqual([]);
    expect([...list].filter((name) => !read.has(name)), 'listed but not read').toEqual([]);
  });

  it.each(nodes)('sets on %s only variables the server reads, and loads as a production node', (name, service) => {
    const env = envOf(service);
    expect(Object.keys(env).filter((variable) => !(configEnvNames as readonly string[]).includes(variable))).toEqual([]);
    expect(env.NODE_ID).toBe(name);
    const config = loadConfig(env, { fileLimit: service.ulimits?.nofile?.soft });
    expect(config).toMatchObject({ mode: 'production', defaultSecrets: false, jwtSecret: operator.JWT_SECRET, adminToken: operator.ADMIN_TOKEN, dataEncryption: true });
    expect(config.dataKeys.map((key) => key.id)).toEqual(['k1']);
    // A cluster forms when both are set: PostgreSQL and NATS of this file.
    expect(new URL(config.databaseUrl!).hostname).toBe('postgres');
    expect(new URL(config.natsUrl!).hostname).toBe('nats');
    expect(service.depends_on).toMatchObject({ postgres: { condition: 'service_healthy' }, nats: { condition: 'service_healthy' } });
    // Behind the load balancer every client has its address.
    expect(config.maxConnectionsPerAddress).toBe(0);
    // Ready means /readyz on the port the server listens on; the published port leads to it too.
    expect(service.healthcheck!.test.join(' ')).toContain(`:${config.port}/readyz`);
    expect((service.ports ?? []).map(containerPort).every((port) => port === config.port)).toBe(true);
    // SIGTERM drains for up to 15 s before the engine's SIGKILL.
    expect(Number(/^(\d+)s$/.exec(service.stop_grace_period ?? '')?.[1])).toBeGreaterThan(15);
  });

  it('gives each node a NODE_ID of its own', () => {
    const ids = nodes.map(([, service]) => envOf(service).NODE_ID);
    expect(new Set(ids).size).toBe(nodes.length);
  });

  it('refuses to start without the secrets rather than fall back to development ones', () => {
    for (const [, service] of nodes) {
      expect(() => envOf(service, { ADMIN_TOKEN: operator.ADMIN_TOKEN, DATA_KEYS: operator.DATA_KEYS })).toThrow(/JWT_SECRET/);
      expect(() => envOf(service, { JWT_SECRET: operator.JWT_SECRET, DATA_KEYS: operator.DATA_KEYS })).toThrow(/ADMIN_TOKEN/);
      expect(() => envOf(service, { JWT_SECRET: operator.JWT_SECRET, ADMIN_TOKEN: operator.ADMIN_TOKEN })).toThrow(/DATA_KEYS/);
    }
  });
});

describe('deploy/haproxy.cfg', () => {
  const frontend = section('frontend gamifier');
  const backendName = frontend.find((line) => line.startsWith('default_backend '))!.split(/\s+/)[1]!;
  const backend = section(`backend ${backendName}`);
  const servers = backend.filter((line) => line.startsWith('server ')).map((line) => {
    const [, name, address] = line.split(/\s+/);
    const [host, port] = address!.split(':');
    return { name, host, port: Number(port) };
  });

  it('is the file the lb service mounts, on the port it publishes', () => {
    expect(services.lb!.volumes).toContain('./deploy/haproxy.cfg:/usr/local/etc/haproxy/haproxy.cfg:ro');
    const bind = Number(frontend.find((line) => line.startsWith('bind '))!.split(':').at(-1));
    expect(services.lb!.ports).toContain(`8080:${bind}`);
  });

  it('sends to exactly the nodes, on their PORT, checked on /readyz', () => {
    expect(servers.map((server) => server.host).sort()).toEqual(nodes.map(([name]) => name));
    for (const server of servers) {
      const [, service] = nodes.find(([name]) => name === server.host)!;
      expect(server.port).toBe(Number(envOf(service).PORT));
    }
    expect(backend).toContain('option httpchk');
    expect(backend).toContain('http-check send meth GET uri /readyz');
    expect(backend).toContain('http-check expect status 200');
    expect(backend.some((line) => /^default-server .*\bcheck\b/.test(line))).toBe(true);
    expect(backend.some((line) => /on-marked-down/.test(line)), 'a node marked down keeps its sockets until it closes them').toBe(false);
  });

  it('carries WebSockets and keeps /metrics off the public port', () => {
    expect(section('defaults')).toContain('mode http');
    expect(section('defaults').some((line) => line.startsWith('timeout tunnel '))).toBe(true);
    expect(backend).toContain('balance leastconn');
    expect(frontend.some((line) => line.startsWith('http-request deny') && line.includes('path /metrics'))).toBe(true);
  });
});
