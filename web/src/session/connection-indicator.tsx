import { useConnectionState } from './session.context';
import type { ConnectionState } from './connection.store';

const LABELS: Record<ConnectionState, { text: string; title: string }> = {
  idle: { text: 'Ready', title: 'Live updates start when a page needs them' },
  connecting: { text: 'Connecting…', title: 'Opening the live-updates connection' },
  live: { text: 'Live', title: 'Live updates are flowing' },
  reconnecting: {
    text: 'Reconnecting…',
    title: 'The live-updates connection dropped; retrying. Numbers may be stale.',
  },
};

/** Shows whether live updates are flowing, and says so loudly when they are not. */
export function ConnectionIndicator() {
  const state = useConnectionState();
  const { text, title } = LABELS[state];
  return (
    <span className={`connection connection-${state}`} role="status" aria-live="polite" title={title}>
      <span className="connection-dot" aria-hidden="true" />
      {text}
    </span>
  );
}
