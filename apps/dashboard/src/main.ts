import type { StreamMessage } from '@ws/events';
import { ApiError, api, type DetectedError, type LogLine } from './api.js';
import { Sparkline } from './chart.js';
import { type ConnectionState, connect } from './connection.js';
import { byId, el } from './dom.js';
import { EventList } from './eventList.js';
import { ProcessesPanel } from './processes.js';
import './style.css';

const STATE_TEXT: Record<ConnectionState, string> = {
  connecting: 'connecting…',
  replaying: 'replaying…',
  connected: 'connected',
  reconnecting: 'reconnecting…',
};

const status = byId('status');
const report = (text: string) => {
  byId('notice').textContent = text;
};

// Theme: the system's, unless the person chose one.
const savedTheme = localStorage.getItem('webstream-theme');
if (savedTheme) document.documentElement.dataset.theme = savedTheme;
byId('theme').addEventListener('click', () => {
  const dark = document.documentElement.dataset.theme
    ? document.documentElement.dataset.theme === 'dark'
    : matchMedia('(prefers-color-scheme: dark)').matches;
  document.documentElement.dataset.theme = dark ? 'light' : 'dark';
  localStorage.setItem('webstream-theme', document.documentElement.dataset.theme);
});

const events = new EventList(byId('events'));
const processes = new ProcessesPanel(report);
const channelSelect = byId<HTMLSelectElement>('filter-channel');
events.onChannel = (channel) => channelSelect.append(el('option', { text: channel, attrs: { value: channel } }));
events.onHeld = (n) => {
  byId('held').textContent = n ? `${n} new while paused` : '';
};

channelSelect.addEventListener('change', () => {
  events.filters.channel = channelSelect.value;
  events.refilter();
});
for (const box of document.querySelectorAll<HTMLInputElement>('input[name="type"]')) {
  box.addEventListener('change', () => {
    if (box.checked) events.filters.types.add(box.value);
    else events.filters.types.delete(box.value);
    events.refilter();
  });
}
const textFilter = byId<HTMLInputElement>('filter-text');
let filterTimer = 0;
textFilter.addEventListener('input', () => {
  clearTimeout(filterTimer);
  filterTimer = window.setTimeout(() => {
    events.filters.text = textFilter.value;
    events.refilter();
  }, 120);
});
const pause = byId<HTMLButtonElement>('pause');
const togglePause = () => {
  events.setPaused(!events.paused);
  pause.textContent = events.paused ? 'Resume' : 'Pause';
  pause.setAttribute('aria-pressed', String(events.paused));
};
pause.addEventListener('click', togglePause);
document.addEventListener('keydown', (e) => {
  const typing =
    e.target instanceof HTMLInputElement ||
    e.target instanceof HTMLTextAreaElement ||
    e.target instanceof HTMLSelectElement;
  if (typing || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === '/') {
    e.preventDefault();
    textFilter.focus();
  } else if (e.key === 'p') togglePause();
});

// The push form uses the same API as everyone else.
byId<HTMLFormElement>('push').addEventListener('submit', async (e) => {
  e.preventDefault();
  const form = e.currentTarget as HTMLFormElement;
  const value = (name: string) => (form.elements.namedItem(name) as HTMLInputElement).value;
  const result = byId('push-result');
  let data: unknown;
  if (value('data').trim()) {
    try {
      data = JSON.parse(value('data'));
    } catch (error) {
      result.textContent = `data is not valid JSON: ${(error as Error).message}`;
      return;
    }
  }
  try {
    const message = value('message');
    const pushed = await api.push({
      message: message || undefined,
      data,
      type: value('type'),
      channel: value('channel') || 'default',
      priority: value('priority'),
    });
    result.textContent = `pushed #${pushed.id} to ${pushed.clients} client(s)`;
    (form.elements.namedItem('message') as HTMLTextAreaElement).value = '';
  } catch (error) {
    result.textContent = (error as Error).message;
  }
});

// Counters and charts: events per second from the stream, clients from /api/stats.
const rate = new Sparkline(byId<SVGSVGElement>('chart-rate'), byId('chart-rate-label'));
const clientsChart = new Sparkline(byId<SVGSVGElement>('chart-clients'), byId('chart-clients-label'));
let lastCount = 0;
let clients = 0;
setInterval(() => {
  const perSecond = events.received - lastCount;
  lastCount = events.received;
  rate.push(perSecond);
  clientsChart.push(clients);
  byId('total').textContent = String(events.received);
  byId('rate').textContent = String(perSecond);
  byId('clients').textContent = String(clients);
}, 1000);
setInterval(() => {
  api.stats().then(
    (s) => {
      clients = s.clients;
    },
    () => undefined,
  );
}, 2000);

function onMessage(m: StreamMessage): void {
  events.add(m);
  const dev = m.data as { method?: string; params?: Record<string, unknown> } | undefined;
  if (m.channel === 'logs' && dev?.method === 'notifications/logs/new') processes.log(dev.params as unknown as LogLine);
  else if (m.channel === 'errors' && dev?.method === 'notifications/error/detected') {
    const p = dev.params as {
      processId: string;
      error: Omit<DetectedError, 'processId' | 'processName' | 'type' | 'timestamp'>;
    };
    processes.error({ processId: p.processId, processName: '', type: '', timestamp: m.timestamp, ...p.error });
  } else if (m.channel === 'process') void processes.refresh();
}

function start(): void {
  connect({
    state(state) {
      status.dataset.state = state;
      status.textContent = STATE_TEXT[state];
    },
    message: onMessage,
    gap({ reason, missed }) {
      const text =
        reason === 'overflow'
          ? `gap: ${missed} events missed (this tab fell behind)`
          : 'gap: history before this point is unavailable (the server restarted or trimmed it)';
      status.dataset.gap = 'true';
      events.notice(text);
      report(text);
    },
  });
  void processes.load();
  setInterval(() => void processes.refresh(), 5000);
}

// With auth on, the page needs the session cookie before it can stream.
api.stats().then(
  (s) => {
    clients = s.clients;
    start();
  },
  (error) => {
    if (!(error instanceof ApiError) || error.status !== 401) {
      report(`cannot reach the server: ${(error as Error).message}`);
      start();
      return;
    }
    status.dataset.state = 'locked';
    status.textContent = 'token required';
    const login = byId<HTMLFormElement>('login');
    login.hidden = false;
    byId<HTMLInputElement>('token').focus();
    login.addEventListener('submit', async (e) => {
      e.preventDefault();
      try {
        await api.login(byId<HTMLInputElement>('token').value);
        login.hidden = true;
        report('');
        start();
      } catch (err) {
        report((err as Error).message);
      }
    });
  },
);
