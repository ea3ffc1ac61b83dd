// The Timeline view: a process's log lines, proxied requests, page errors and console lines joined by
// time (the server joins them: GET /api/timeline), filtered by process, time range and kind.
import { browserApi } from '../browserApi.js';
import type { TimelineEntry } from '../browserTypes.js';
import { byId, el } from '../dom.js';
import { formatClock, toMs } from '../format.js';
import type { Reporter } from '../panelNote.js';
import { isLive, timeWindow } from './timeRange.js';

/** Entries asked for (and shown) at most. */
export const TIMELINE_LIMIT = 1000;

const KIND_LABEL: Record<TimelineEntry['kind'], string> = {
  log: 'log',
  request: 'request',
  'page-error': 'page error',
  console: 'console',
};

export class TimelineView {
  readonly kinds = new Set<string>(Object.keys(KIND_LABEL));
  #entries: TimelineEntry[] = [];
  #timer = 0;
  #loading = false;
  readonly #report: Reporter;

  constructor(report: Reporter) {
    this.#report = report;
    const reload = () => void this.load();
    for (const id of ['timeline-process', 'timeline-range', 'timeline-from', 'timeline-to'])
      byId(id).addEventListener('change', reload);
    byId('timeline-range').addEventListener('change', () => {
      byId('timeline-custom').hidden = this.#range() !== 'custom';
    });
    byId('timeline-refresh').addEventListener('click', reload);
    for (const box of document.querySelectorAll<HTMLInputElement>('input[name="timeline-kind"]')) {
      box.addEventListener('change', () => {
        if (box.checked) this.kinds.add(box.value);
        else this.kinds.delete(box.value);
        this.#render();
      });
    }
  }

  /** Offers `ids` in the process filter (keeps the current choice). */
  setProcesses(ids: { id: string; name: string }[]): void {
    const select = byId<HTMLSelectElement>('timeline-process');
    const chosen = select.value;
    select.replaceChildren(
      el('option', { text: 'all processes', attrs: { value: '' } }),
      ...ids.map((p) => el('option', { text: `${p.name} · ${p.id}`, attrs: { value: p.id } })),
    );
    select.value = ids.some((p) => p.id === chosen) ? chosen : '';
  }

  /** Something happened: a live window reloads, at most once a second. */
  poke(): void {
    if (!isLive(this.#range()) || this.#timer !== 0) return;
    this.#timer = window.setTimeout(() => {
      this.#timer = 0;
      void this.load();
    }, 1000);
  }

  async load(): Promise<void> {
    if (this.#loading) return this.poke();
    this.#loading = true;
    try {
      const window = timeWindow(
        this.#range(),
        Date.now(),
        byId<HTMLInputElement>('timeline-from').value,
        byId<HTMLInputElement>('timeline-to').value,
      );
      const processId = byId<HTMLSelectElement>('timeline-process').value || undefined;
      const { entries } = await browserApi.timeline({ ...window, processId, limit: TIMELINE_LIMIT });
      this.#entries = entries;
      this.#report.ok();
      this.#render();
    } catch (error) {
      // A bad custom window is said beside the inputs (the note); a failed call in the page's notice too.
      this.#report.fail('timeline', error);
    } finally {
      this.#loading = false;
    }
  }

  #range(): string {
    return byId<HTMLSelectElement>('timeline-range').value;
  }

  #render(): void {
    const list = byId('timeline');
    const follow = list.scrollTop + list.clientHeight >= list.scrollHeight - 24;
    const shown = this.#entries.filter((e) => this.kinds.has(e.kind));
    list.replaceChildren(...shown.map(row));
    if (shown.length === 0) list.append(el('li', { class: 'muted', text: 'nothing in this window' }));
    if (follow) list.scrollTop = list.scrollHeight;
  }
}

function row(e: TimelineEntry): HTMLElement {
  const tone = /^(?:[45]\d\d|failed)\b|\berror\b/i.test(e.summary) ? ' bad' : '';
  return el(
    'li',
    { class: `timeline-entry kind-${e.kind}${tone}`, attrs: { 'data-kind': e.kind } },
    el('time', {
      text: formatClock(e.at),
      attrs: Number.isNaN(toMs(e.at)) ? {} : { datetime: new Date(toMs(e.at)).toISOString() },
    }),
    el('span', { class: 'kind', text: KIND_LABEL[e.kind] }),
    el('span', { class: 'summary', text: e.summary }),
    el('span', { class: 'process', text: e.processId ?? '' }),
  );
}
