// The issue-12 views wired together: Requests (proxy), Page (telemetry + REPL) and Timeline, fed by
// their API routes and by the stream's `proxy`, `browser` and `logs` channels.
import { DevChannel, type StreamMessage } from '@ws/events';
import { api } from './api.js';
import { BrowserChannel, type BrowserStreamData, BrowserStreamDataSchema } from './browserTypes.js';
import { byId } from './dom.js';
import { PageView } from './page/pageView.js';
import { panelReporter } from './panelNote.js';
import { loadMappings } from './requests/mappingsList.js';
import { RequestsView } from './requests/requestsView.js';
import { TimelineView } from './timeline/timelineView.js';

export interface BrowserPanels {
  /** Every stream message (the panels pick theirs). */
  onMessage(m: StreamMessage): void;
  /** First load, once the page may call the API. */
  start(projectDir: string | undefined): void;
  setEditorTemplate(template: string): void;
}

function wireRequestFilters(requests: RequestsView): void {
  for (const box of document.querySelectorAll<HTMLInputElement>('input[name="request-status"]')) {
    box.addEventListener('change', () => {
      if (box.checked) requests.filters.statuses.add(box.value);
      else requests.filters.statuses.delete(box.value);
      requests.refilter();
    });
  }
  const method = byId<HTMLSelectElement>('request-method');
  const process = byId<HTMLSelectElement>('request-process');
  const url = byId<HTMLInputElement>('request-url');
  method.addEventListener('change', () => {
    requests.filters.method = method.value;
    requests.refilter();
  });
  process.addEventListener('change', () => {
    requests.filters.processId = process.value;
    requests.refilter();
  });
  let timer = 0;
  url.addEventListener('input', () => {
    clearTimeout(timer);
    timer = window.setTimeout(() => {
      requests.filters.url = url.value;
      requests.refilter();
    }, 150);
  });
}

/** `onMappings`: a proxy started or stopped (the process list shows proxy URLs). */
export function createBrowserPanels(
  report: (text: string) => void,
  editorTemplate: string,
  onMappings: () => void,
): BrowserPanels {
  const requestsNote = panelReporter('requests-note', report);
  const requests = new RequestsView(requestsNote);
  let links = { template: editorTemplate, projectDir: undefined as string | undefined };
  const page = new PageView(panelReporter('page-note', report), links);
  const timeline = new TimelineView(panelReporter('timeline-note', report));
  wireRequestFilters(requests);
  const refreshProcesses = () =>
    api.processes().then(
      ({ processes }) => timeline.setProcesses(processes.map((p) => ({ id: p.id, name: p.name }))),
      () => undefined,
    );
  const dispatch = (data: BrowserStreamData) => {
    if (data.kind === 'request') requests.add(data.record);
    else if (data.kind === 'mapping') {
      void loadMappings(requestsNote);
      onMappings();
    } else if (data.kind === 'error') page.errors.upsert(data.group);
    else if (data.kind === 'console') page.onConsole(data.entry);
    else page.sessions.upsert(data.session);
  };
  return {
    onMessage(m) {
      if (m.channel === BrowserChannel.proxy || m.channel === BrowserChannel.browser) {
        // A message that does not match stays in the event list; the views skip it.
        const data = BrowserStreamDataSchema.safeParse(m.data);
        if (data.success) dispatch(data.data);
      } else if (m.channel === DevChannel.process) {
        void refreshProcesses();
        void loadMappings(requestsNote);
      } else if (m.channel !== DevChannel.logs) return;
      timeline.poke();
    },
    start(projectDir) {
      links = { ...links, projectDir };
      page.setLinks(links);
      void loadMappings(requestsNote);
      void requests.load();
      void page.load();
      void refreshProcesses().then(() => timeline.load());
    },
    setEditorTemplate(template) {
      links = { ...links, template };
      page.setLinks(links);
    },
  };
}
