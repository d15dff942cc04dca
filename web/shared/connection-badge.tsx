import './connection-badge.css';

/** The states of a connection as the SDK names them (protocol/client ClientStatus). */
export type ConnectionStatus = 'connecting' | 'open' | 'reconnecting' | 'closed';

const labels: Record<ConnectionStatus, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Reconnecting…',
  closed: 'Disconnected',
};

/**
 * The connection's state, announced to screen readers as it changes (a polite live region).
 *
 * @example
 * <ConnectionBadge status={status} />
 */
export function ConnectionBadge({ status }: { status: ConnectionStatus }) {
  return (
    <p class="connection-badge" role="status" aria-live="polite" data-status={status}>
      <span class="visually-hidden">Connection: </span>
      {labels[status]}
    </p>
  );
}
