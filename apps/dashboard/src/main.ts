// First: configures zod before any schema is built (see zodSetup.ts).
import './zodSetup.js';
import { DevChannel, DevEventSchema, NotificationMethod, type StreamMessage } from '@ws/events';
import { createActivityPanel } from './activityPanel.js';
import { ApiError, api } from './api.js';
import { createBrowserPanels } from './browserPanels.js';
import { type ConnectionState, connect } from './connection.js';
import { copyWithFeedback } from './copy.js';
import { byId, el } from './dom.js';
import { createEditorSettings } from './editorSettings.js';
import { EventList } from './eventList.js';
import { gapNotice, noticeNodes, noticeText } from './gapNotice.js';
import { ProcessesPanel } from './processes.js';
import { createPushForm } from './pushForm.js';
import { createTabs } from './tabs.js';
import './style.css';
import './controls.css';
import './browser.css';

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

const tabs = createTabs(byId('tabs'));
const events = new EventList(byId('events'));
const editor = createEditorSettings((template) => {
  processes.setEditorTemplate(template);
  browser.setEditorTemplate(template);
});
const processes = new ProcessesPanel(report, editor.template);
const browser = createBrowserPanels(report, editor.template, () => void processes.refresh());
const activity = createActivityPanel(() => events.received);
createPushForm();

// Ids are shown short; the button copies the full one (also in its title).
byId('events').addEventListener('click', (e) => {
  const id = (e.target as HTMLElement).closest<HTMLElement>('button[data-copy]')?.dataset.copy;
  if (id) void copyWithFeedback(byId('toast'), id, 'event id');
});
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
    tabs.show('panel-events');
    textFilter.focus();
  } else if (e.key === 'p') togglePause();
});

function onMessage(m: StreamMessage): void {
  browser.onMessage(m);
  if (events.add(m)) activity.activity.countEvent(m.type, Date.parse(m.timestamp));
  if (m.channel === DevChannel.process) void processes.refresh();
  if (m.channel !== DevChannel.logs && m.channel !== DevChannel.errors) return;
  // A dev event that does not match its schema stays in the event list; the panels skip it.
  const dev = DevEventSchema.safeParse(m.data);
  if (!dev.success) return;
  if (dev.data.method === NotificationMethod.logsNew) processes.log(dev.data.params);
  else if (dev.data.method === NotificationMethod.errorDetected) {
    const { processId, error } = dev.data.params;
    processes.error({ processId, processName: '', type: '', timestamp: m.timestamp, ...error });
  }
}

function start(): void {
  connect({
    state(state) {
      status.dataset.state = state;
      status.textContent = STATE_TEXT[state];
      // The server counts this page once its stream is open: read the figure now, not at the next poll.
      if (state === 'replaying' || state === 'connected') activity.refreshClients();
    },
    message: onMessage,
    gap(detail) {
      const parts = gapNotice(detail);
      status.dataset.gap = 'true';
      events.notice(...noticeNodes(parts));
      report(noticeText(parts));
    },
    replayed(count) {
      status.title = count === undefined ? '' : `the last replay caught up ${count} event(s)`;
    },
  });
  void processes.load().then(() => browser.start(processes.projectDir));
  setInterval(() => void processes.refresh(), 5000);
}

// With auth on, the page needs the session cookie before it can stream.
api.stats().then(
  () => start(),
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
