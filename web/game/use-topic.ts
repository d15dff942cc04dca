import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { ClientStatus, WatchItem } from '../../protocol/client/index.js';
import type { GameConnection } from './connection.js';

/** The signed-in player's connection, for every view below the game screen. */
export const ConnectionContext = createContext<GameConnection | undefined>(undefined);

export function useConnection(): GameConnection {
  const connection = useContext(ConnectionContext);
  if (!connection) throw new Error('useConnection: no ConnectionContext above this view');
  return connection;
}

export function useConnectionStatus(connection: GameConnection): ClientStatus {
  const [status, setStatus] = useState(connection.status);
  useEffect(() => {
    setStatus(connection.status);
    return connection.onStatus(setStatus);
  }, [connection]);
  return status;
}

/**
 * A topic's state as the SDK holds it (the last snap with every push applied), re-rendered on
 * each change; `onItem` sees each item too (an event to announce). No topic: nothing is watched.
 *
 * @example
 * const { state } = useTopic<UserTopicState>(`user/${userId}`);
 */
export function useTopic<State>(topic: string | undefined, onItem?: (item: WatchItem) => void): { state: State | undefined; error?: string } {
  const connection = useConnection();
  const [view, setView] = useState<{ state: State | undefined; error?: string }>({ state: undefined });
  const itemListener = useRef(onItem);
  itemListener.current = onItem;
  useEffect(() => {
    setView({ state: undefined });
    if (!topic) return;
    return connection.follow(topic, (update) => {
      setView(update.error ? { state: update.state as State | undefined, error: update.error } : { state: update.state as State });
      if (update.item) itemListener.current?.(update.item);
    });
  }, [connection, topic]);
  return view;
}
