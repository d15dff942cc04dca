/** One colour per node, the same in the shard map, its legend and the charts (classes `.owner-0` … in dashboard.css). */
export const nodeColors = ['#4cc9f0', '#f72585', '#b5e48c', '#ffb703', '#c77dff', '#06d6a0', '#fb8500', '#90a4ff'];

export const clusterColor = '#e6edf3';

/** The palette index of each node, by name order: stable while the membership is. */
export function colorIndex(nodes: readonly string[]): Map<string, number> {
  return new Map([...nodes].sort().map((node, i) => [node, i % nodeColors.length]));
}
