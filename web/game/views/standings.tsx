/** A row of a standings table: the player's rank and name, then the figures (the last one is the score). */
export interface Standing {
  userId: string;
  rank: number;
  name: string;
  figures: readonly (number | string)[];
}

/**
 * A ranked table of players (the live ranking of a challenge, the global leaderboard), the
 * signed-in player's row marked.
 *
 * @example
 * <Standings label="Global leaderboard" columns={['Level', 'Points']} rows={rows} userId="ada" empty="No players yet." />
 */
export function Standings(props: { label: string; columns: readonly string[]; rows: readonly Standing[]; userId: string; empty: string }) {
  const last = props.columns.length - 1;
  return (
    <table class="standings" aria-label={props.label}>
      <thead>
        <tr>
          <th scope="col" class="number">
            #
          </th>
          <th scope="col">Player</th>
          {props.columns.map((column) => (
            <th scope="col" class="number" key={column}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={row.userId} class={row.userId === props.userId ? 'me' : undefined}>
            <td class="number">
              <span class={`rank rank-${row.rank}`}>{row.rank}</span>
            </td>
            <td>
              {row.name}
              {row.userId === props.userId && <span class="you"> (you)</span>}
            </td>
            {row.figures.map((figure, index) => (
              <td class={index === last ? 'number score' : 'number'} key={index}>
                {figure}
              </td>
            ))}
          </tr>
        ))}
        {props.rows.length === 0 && (
          <tr>
            <td colSpan={2 + props.columns.length} class="muted">
              {props.empty}
            </td>
          </tr>
        )}
      </tbody>
    </table>
  );
}
