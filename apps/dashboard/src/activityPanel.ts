// The header counters and the two activity charts, refreshed once a second from the per-second
// buckets (events are counted as they arrive, the charts redraw only on the tick).
import { type Activity, CHART_TYPES, createActivity } from './activity.js';
import { api } from './api.js';
import { byId } from './dom.js';
import { createTimeChart } from './timeChart.js';

/** How often the connected-clients figure is read from `/api/stats`, in milliseconds. */
export const CLIENTS_POLL_MS = 2000;

export interface ActivityPanel {
  readonly activity: Activity;
  /** Reads `/api/stats` now (called when this page's own stream opens, so the count includes it). */
  refreshClients(): void;
}

/** Starts the tick (1 s) and the clients poll; `received` is the events-ever counter for the header. */
export function createActivityPanel(received: () => number): ActivityPanel {
  const activity = createActivity();
  const rateChart = createTimeChart(byId('chart-rate'), {
    series: CHART_TYPES.map((type) => ({ label: type, colorVar: `--${type}` })),
    syncKey: 'activity',
    stacked: true,
  });
  const clientsChart = createTimeChart(byId('chart-clients'), {
    series: [{ label: 'clients', colorVar: '--accent' }],
    syncKey: 'activity',
    height: 90,
  });
  let clients: number | null = null;
  let latest = 0;

  const refreshClients = () => {
    // Only the newest read counts: a poll sent before this page's stream opened may answer after it.
    const request = ++latest;
    api.stats().then(
      (s) => {
        if (request !== latest) return;
        clients = s.clients;
        byId('clients').textContent = String(clients);
      },
      () => {
        // Unreachable or locked: unknown (a gap in the chart, '–' in the header) until a read succeeds.
        if (request !== latest) return;
        clients = null;
        byId('clients').textContent = '–';
      },
    );
  };

  const tick = () => {
    const now = Date.now();
    activity.sampleClients(clients, now);
    // Complete seconds only, so the line does not dip at its right end while a second is filling.
    const rates = activity.rates(now - 1000);
    rateChart.setData(rates);
    clientsChart.setData(activity.clients(now));
    let max = 0;
    for (let k = 0; k < rates[0].length; k++) {
      let total = 0;
      for (let t = 1; t < rates.length; t++) total += (rates[t] as number[])[k] ?? 0;
      max = Math.max(max, total);
    }
    const perSecond = activity.lastSecond(now);
    byId('total').textContent = String(received());
    byId('rate').textContent = String(perSecond);
    byId('chart-rate-label').textContent = `· now ${perSecond}, max ${max}`;
    byId('clients').textContent = clients === null ? '–' : String(clients);
    byId('chart-clients-label').textContent = clients === null ? '' : `· now ${clients}`;
  };

  tick();
  setInterval(tick, 1000);
  setInterval(refreshClients, CLIENTS_POLL_MS);
  return { activity, refreshClients };
}
