import type { ClusterStatus, Member } from './admin-api.js';
import { colorIndex } from './palette.js';

/** Members, who owns each shard (a map of every shard, coloured by owner), epochs, handoffs. */
export function ClusterPanel({ cluster }: { cluster: ClusterStatus }) {
  const colors = colorIndex(cluster.members.map((member) => member.nodeId));
  return (
    <section class="panel cluster" aria-labelledby="cluster-title">
      <header class="panel-head">
        <h2 id="cluster-title">Cluster</h2>
        <span class="tag">{cluster.clustered ? `${cluster.members.filter((m) => m.live).length} live of ${cluster.members.length} members` : 'single node, not clustered'}</span>
      </header>
      <Members members={cluster.members} colors={colors} />
      {cluster.clustered ? <Shards cluster={cluster} colors={colors} /> : <p class="note">This node holds every actor: there are no shards to share.</p>}
      <Handoffs handoffs={cluster.handoffs} />
    </section>
  );
}

function Members({ members, colors }: { members: Member[]; colors: Map<string, number> }) {
  return (
    <table class="grid-table members">
      <caption class="visually-hidden">Members</caption>
      <thead>
        <tr>
          <th scope="col">Node</th>
          <th scope="col">Status</th>
          <th scope="col" class="num">Shards</th>
          <th scope="col" class="num">Actors</th>
          <th scope="col" class="num">Sessions</th>
          <th scope="col" class="num">Lease</th>
          <th scope="col">Address</th>
        </tr>
      </thead>
      <tbody>
        {members.map((member) => (
          <tr key={member.nodeId} data-node={member.nodeId}>
            <th scope="row">
              <span class={`swatch owner-${colors.get(member.nodeId) ?? 0}`} aria-hidden="true" />
              {member.nodeId}
            </th>
            <td>
              <span class={`status ${member.live ? 'up' : 'down'}`}>{member.live ? member.status : `${member.status} (lease lapsed)`}</span>
            </td>
            <td class="num member-shards">{member.shards}</td>
            <td class="num">{member.actors ?? '–'}</td>
            <td class="num">{member.sessions ?? '–'}</td>
            <td class="num">{member.leaseExpiresInMs === undefined ? '–' : `${(member.leaseExpiresInMs / 1_000).toFixed(1)} s`}</td>
            <td class="dim">{member.address ?? '–'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Shards({ cluster, colors }: { cluster: ClusterStatus; colors: Map<string, number> }) {
  const held = cluster.shards.filter((row) => row.state === 'held' && row.owner);
  const released = cluster.shards.length - held.length;
  const epochs = cluster.shards.map((row) => row.epoch);
  const counts = new Map<string, number>();
  for (const row of held) counts.set(row.owner!, (counts.get(row.owner!) ?? 0) + 1);
  const summary = [...counts].map(([node, count]) => `${node} ${count}`).join(', ');
  return (
    <div class="shards">
      <div class="shard-stats">
        <span>
          <b>{cluster.shards.length}</b> shards
        </span>
        <span>
          <b class="shards-held">{held.length}</b> held
        </span>
        <span>
          <b class="shards-released">{released}</b> released
        </span>
        <span>
          epochs <b>{epochs.length ? `${Math.min(...epochs)}–${Math.max(...epochs)}` : '–'}</b>
        </span>
        <span>
          epoch sum <b>{epochs.reduce((sum, epoch) => sum + epoch, 0)}</b>
        </span>
      </div>
      <div class="shard-map" role="img" aria-label={`Shard owners: ${summary || 'none'}; ${released} released`}>
        {cluster.shards.map((row) => (
          <span
            key={row.shard}
            class={`shard ${row.state === 'held' && row.owner ? `owner-${colors.get(row.owner) ?? 0}` : 'free'}`}
            title={`shard ${row.shard}: ${row.owner ?? 'no owner'}, epoch ${row.epoch}, ${row.state}`}
          />
        ))}
      </div>
      <ul class="legend">
        {[...colors].map(([node, color]) => (
          <li key={node} data-owner={node}>
            <span class={`swatch owner-${color}`} aria-hidden="true" />
            {node} <b class="owner-count">{counts.get(node) ?? 0}</b>
          </li>
        ))}
        <li>
          <span class="swatch free" aria-hidden="true" />
          released <b>{released}</b>
        </li>
      </ul>
    </div>
  );
}

function Handoffs({ handoffs }: { handoffs: ClusterStatus['handoffs'] }) {
  return (
    <div class="handoffs">
      <h3>Handoffs in flight</h3>
      {handoffs.length === 0 ? (
        <p class="note">None.</p>
      ) : (
        <ul>
          {handoffs.map((handoff) => (
            <li key={`${handoff.from}-${handoff.shard}`}>
              shard {handoff.shard}: {handoff.from} → {handoff.to ?? '?'} since {new Date(handoff.since).toLocaleTimeString()}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
