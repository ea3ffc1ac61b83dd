// The Requests view: proxied requests newest first, status colours, filters, live updates, details.

import { browserApi } from '../browserApi.js';
import type { ProxyRequest } from '../browserTypes.js';
import { byId, el } from '../dom.js';
import { formatBytes, formatClock, formatDuration } from '../format.js';
import type { Reporter } from '../panelNote.js';
import { renderRequestDetails } from './requestDetails.js';
import { defaultRequestFilters, matchesRequest, requestQuery, statusClassOf } from './requestFilter.js';

/** Requests kept in memory (the oldest dropped first). */
export const MAX_REQUESTS = 1000;
/** Rows in the table at once (the newest matching). */
export const MAX_REQUEST_ROWS = 200;
/**
 * While requests arrive, the recent ones are re-read from the server this often: `/stream` carries at
 * most 100 request records a second (the rest are only in the server's store).
 */
export const CATCH_UP_MS = 3000;
/** How far before the newest request already read a catch-up starts (requests complete after they start). */
const CATCH_UP_OVERLAP_MS = 30_000;

const byNewest = (a: ProxyRequest, b: ProxyRequest) => b.startedAt - a.startedAt || Number(b.id) - Number(a.id);

export class RequestsView {
  readonly filters = defaultRequestFilters();
  readonly #records = new Map<string, ProxyRequest>();
  readonly #processes = new Set<string>();
  readonly #report: Reporter;
  #selected: string | undefined;
  #frame = 0;
  #catchUpTimer = 0;
  /** The newest `startedAt` the last read of the server's store covered. */
  #readUpTo = 0;

  constructor(report: Reporter) {
    this.#report = report;
    byId('requests').addEventListener('click', (e) => {
      const id = (e.target as HTMLElement).closest<HTMLElement>('button[data-request]')?.dataset.request;
      if (id) this.select(id);
    });
  }

  /** Loads the stored requests matching the filters (the server keeps more than the page does). */
  async load(since?: number): Promise<void> {
    const newest = this.#newest();
    try {
      const query = { ...requestQuery(this.filters), since, limit: MAX_REQUESTS };
      const { requests } = await browserApi.requests(query);
      this.#readUpTo = Math.max(newest, ...requests.map((r) => r.startedAt));
      // Oldest first, so the map's insertion order stays oldest → newest for eviction.
      const held = this.#records.size;
      let fresh = 0;
      for (const r of [...requests].reverse()) {
        if (!this.#records.has(r.id)) fresh++;
        this.#keep(r);
      }
      // A catch-up that found records the stream had skipped: more may have been skipped since it read.
      if (since !== undefined && fresh > 0 && held > 0) this.#scheduleCatchUp();
      this.#schedule();
      this.#report.ok();
    } catch (error) {
      this.#report.fail('requests', error);
    }
  }

  /** A record from the stream: new, or the same request further along (pending → complete). */
  add(record: ProxyRequest): void {
    this.#keep(record);
    this.#schedule();
    this.#scheduleCatchUp();
    if (record.id === this.#selected) this.#renderDetails();
  }

  refilter(): void {
    this.#schedule();
    void this.load();
  }

  select(id: string | undefined): void {
    this.#selected = id;
    this.#renderDetails();
    this.#schedule();
    if (id) byId('request-details-title').focus();
  }

  get size(): number {
    return this.#records.size;
  }

  #scheduleCatchUp(): void {
    if (this.#catchUpTimer !== 0) return;
    this.#catchUpTimer = window.setTimeout(() => {
      this.#catchUpTimer = 0;
      void this.load(Math.max(0, this.#readUpTo - CATCH_UP_OVERLAP_MS));
    }, CATCH_UP_MS);
  }

  #newest(): number {
    let newest = 0;
    for (const r of this.#records.values()) newest = Math.max(newest, r.startedAt);
    return newest;
  }

  #keep(r: ProxyRequest): void {
    this.#records.set(r.id, r);
    if (r.processId && !this.#processes.has(r.processId)) {
      this.#processes.add(r.processId);
      byId('request-process').append(el('option', { text: r.processId, attrs: { value: r.processId } }));
    }
    while (this.#records.size > MAX_REQUESTS) this.#records.delete(this.#records.keys().next().value as string);
  }

  #schedule(): void {
    if (this.#frame === 0) this.#frame = requestAnimationFrame(() => this.#render());
  }

  #render(): void {
    this.#frame = 0;
    const all = [...this.#records.values()].sort(byNewest);
    const shown = all.filter((r) => matchesRequest(r, this.filters));
    byId('requests-count').textContent =
      shown.length === all.length ? `${all.length}` : `${shown.length} of ${all.length}`;
    const rows = shown.slice(0, MAX_REQUEST_ROWS).map((r) => this.#row(r));
    const body = byId('requests-body');
    // Someone moving through the rows by keyboard keeps their place across live redraws.
    const focused = body.contains(document.activeElement)
      ? (document.activeElement as HTMLElement).dataset.request
      : undefined;
    body.replaceChildren(...rows);
    if (focused) body.querySelector<HTMLElement>(`button[data-request="${CSS.escape(focused)}"]`)?.focus();
    if (rows.length === 0)
      body.append(el('tr', {}, el('td', { class: 'empty', text: emptyText(all.length), attrs: { colspan: '7' } })));
  }

  #row(r: ProxyRequest): HTMLElement {
    const cls = statusClassOf(r);
    const status = r.failed ? 'failed' : r.status === null ? '…' : String(r.status);
    return el(
      'tr',
      {
        class: `request status-${cls}${r.id === this.#selected ? ' selected' : ''}`,
        attrs: { 'data-id': r.id, 'data-status': cls },
      },
      el('td', {
        class: 'status',
        text: status,
        attrs: { title: r.error ? `${r.error.kind}: ${r.error.message}` : cls },
      }),
      el('td', { class: 'method', text: r.kind === 'websocket' ? 'WS' : r.method }),
      el(
        'td',
        { class: 'url' },
        el('button', {
          class: 'link',
          text: r.url,
          attrs: {
            type: 'button',
            'data-request': r.id,
            'aria-pressed': String(r.id === this.#selected),
            title: `${r.target}${r.url} · ${formatClock(r.startedAt)}`,
          },
        }),
      ),
      el('td', { class: 'num', text: formatDuration(r.durationMs) }),
      el('td', { class: 'num', text: formatBytes(r.requestBytes) }),
      el('td', { class: 'num', text: formatBytes(r.responseBytes) }),
      el('td', { class: 'process', text: r.processId ?? '–' }),
    );
  }

  #renderDetails(): void {
    const box = byId('request-details');
    const record = this.#selected === undefined ? undefined : this.#records.get(this.#selected);
    box.hidden = record === undefined;
    if (record) renderRequestDetails(box, record, () => this.select(undefined));
  }
}

const emptyText = (stored: number) =>
  stored === 0 ? 'no requests yet: open a proxy URL above and use the page' : 'no request matches the filters';
