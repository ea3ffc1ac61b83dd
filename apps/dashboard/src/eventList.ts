// The live event list: a bounded store, filters, pause without loss, and rendering batched per frame.
import { type MessageType, MessageTypeSchema, type StreamMessage } from '@ws/events';
import { shortId } from './copy.js';
import { el } from './dom.js';

/** Events kept in memory. */
export const MAX_EVENTS = 5000;
/** Rows in the DOM at once (the newest matching). */
export const MAX_ROWS = 200;

const ICON: Record<MessageType, string> = { info: 'ℹ', warning: '⚠', error: '✖', success: '✔', custom: '◆' };

export interface Filters {
  /** '' = every channel except `logs`; '*' = every channel; else one channel. */
  channel: string;
  types: Set<string>;
  text: string;
}

export class EventList {
  readonly #list: HTMLElement;
  readonly #events: StreamMessage[] = [];
  readonly #seen = new Set<string>();
  #pending: StreamMessage[] = [];
  #held: StreamMessage[] = [];
  #frame = 0;
  #paused = false;
  readonly filters: Filters = {
    channel: '',
    types: new Set<string>(MessageTypeSchema.options),
    text: '',
  };
  readonly channels = new Set<string>();
  onChannel?: (channel: string) => void;
  onHeld?: (count: number) => void;
  /** Events received, ever (including the ones no longer kept). */
  received = 0;

  constructor(list: HTMLElement) {
    this.#list = list;
  }

  get paused(): boolean {
    return this.#paused;
  }

  /** Adds a message; false if it was already there (a replay overlapping what we have). */
  add(message: StreamMessage): boolean {
    if (this.#seen.has(message.id)) return false;
    this.#seen.add(message.id);
    this.received++;
    if (!this.channels.has(message.channel)) {
      this.channels.add(message.channel);
      this.onChannel?.(message.channel);
    }
    if (this.#paused) {
      // Held, not dropped: resuming shows them. Bounded like the store.
      this.#held.push(message);
      if (this.#held.length > MAX_EVENTS) this.#forget(this.#held.shift() as StreamMessage);
      this.onHeld?.(this.#held.length);
      return true;
    }
    this.#store(message);
    return true;
  }

  /** A notice row (gaps, restarts) that is not an event: text and nodes (never parsed as HTML). */
  notice(...content: (Node | string)[]): void {
    // One flex item: the text and its id buttons flow as one line.
    this.#list.prepend(el('li', { class: 'notice', attrs: { role: 'status' } }, el('span', {}, ...content)));
  }

  setPaused(paused: boolean): void {
    this.#paused = paused;
    if (!paused) {
      const held = this.#held;
      this.#held = [];
      for (const m of held) this.#store(m);
      this.onHeld?.(0);
    }
  }

  refilter(): void {
    this.#pending = [];
    this.#list.replaceChildren();
    const rows: HTMLElement[] = [];
    for (let i = this.#events.length - 1; i >= 0 && rows.length < MAX_ROWS; i--) {
      const m = this.#events[i] as StreamMessage;
      if (this.#matches(m)) rows.push(this.#row(m));
    }
    this.#list.append(...rows);
  }

  #store(message: StreamMessage): void {
    this.#events.push(message);
    if (this.#events.length > MAX_EVENTS) this.#forget(this.#events.shift() as StreamMessage);
    if (!this.#matches(message)) return;
    this.#pending.push(message);
    if (this.#frame === 0) this.#frame = requestAnimationFrame(() => this.#render());
  }

  #forget(message: StreamMessage): void {
    this.#seen.delete(message.id);
  }

  #render(): void {
    this.#frame = 0;
    const batch = this.#pending.slice(-MAX_ROWS);
    this.#pending = [];
    const fragment = document.createDocumentFragment();
    for (let i = batch.length - 1; i >= 0; i--) fragment.append(this.#row(batch[i] as StreamMessage));
    this.#list.prepend(fragment);
    while (this.#list.childElementCount > MAX_ROWS) this.#list.lastElementChild?.remove();
  }

  #matches(m: StreamMessage): boolean {
    const { channel, types, text } = this.filters;
    if (channel === '' ? m.channel === 'logs' : channel !== '*' && m.channel !== channel) return false;
    if (!types.has(m.type)) return false;
    if (text) {
      const hay = `${m.message ?? ''} ${m.data === undefined ? '' : JSON.stringify(m.data)}`.toLowerCase();
      if (!hay.includes(text.toLowerCase())) return false;
    }
    return true;
  }

  #row(m: StreamMessage): HTMLElement {
    const time = new Date(m.timestamp).toLocaleTimeString();
    const li = el(
      'li',
      { class: `event type-${m.type}`, attrs: { 'data-id': m.id, 'data-type': m.type, 'data-channel': m.channel } },
      el('span', { class: 'icon', text: ICON[m.type] ?? '•', attrs: { 'aria-label': m.type } }),
      el(
        'div',
        { class: 'body' },
        el(
          'div',
          { class: 'meta' },
          el('span', { class: 'channel', text: m.channel }),
          ` · ${time} · `,
          // The short form keeps the row readable; the full id is in the title and copied on click.
          el('button', {
            class: 'event-id',
            text: `#${shortId(m.id)}`,
            attrs: { type: 'button', title: m.id, 'data-copy': m.id },
          }),
          m.priority === 'high' ? ' · high' : '',
        ),
        el('div', { class: 'message', text: m.message ?? '' }),
      ),
    );
    if (m.data !== undefined) {
      const details = el(
        'details',
        { class: 'data' },
        el('summary', { text: 'data' }),
        el('pre', { text: JSON.stringify(m.data, null, 2) }),
      );
      (li.lastElementChild as HTMLElement).append(details);
    }
    return li;
  }
}
