import { Gauge, type Registry } from 'prom-client';
import type { ServerBridges } from '../../bridges/serverBridges.js';

/** Bridge figures: up, reconnects, ingest and egress counters, by bridge (read from `state()` at scrape time). */
export function registerBridgeMetrics(registry: Registry, bridges: ServerBridges): void {
  // Gauges set from the bridges' own counters (they count since start; a scrape reads them as they are).
  const gauge = (
    name: string,
    help: string,
    read: (s: ReturnType<ServerBridges['states']>[number]) => number | undefined,
  ) =>
    new Gauge({
      name,
      help,
      labelNames: ['bridge', 'broker'],
      registers: [registry],
      collect() {
        this.reset();
        for (const s of bridges.states()) {
          const value = read(s);
          if (value !== undefined) this.set({ bridge: s.name, broker: s.broker }, value);
        }
      },
    });
  gauge('webstream_bridge_up', '1 while the bridge is connected to its broker.', (s) => (s.status === 'up' ? 1 : 0));
  gauge('webstream_bridge_reconnects', 'Reconnections since start.', (s) => s.reconnects);
  gauge('webstream_bridge_ingest_stored', 'Broker messages stored as events.', (s) => s.ingest?.stored);
  gauge(
    'webstream_bridge_ingest_duplicates',
    'Redelivered messages not stored again (idempotency key known).',
    (s) => s.ingest?.duplicates,
  );
  gauge('webstream_bridge_ingest_rejected', 'Broker messages refused as invalid.', (s) => s.ingest?.rejected);
  gauge(
    'webstream_bridge_ingest_retries',
    'Messages left with the broker because the hub could not store them.',
    (s) => s.ingest?.retries,
  );
  gauge('webstream_bridge_egress_confirmed', 'Events the broker confirmed.', (s) => s.egress?.confirmed);
  gauge('webstream_bridge_egress_pending', 'Events held, not yet confirmed by the broker.', (s) => s.egress?.pending);
  gauge('webstream_bridge_egress_failures', 'Failed egress sends (each retried).', (s) => s.egress?.failures);
  gauge('webstream_bridge_egress_gaps', 'Events egress lost because the history moved on.', (s) => s.egress?.gaps);
}
