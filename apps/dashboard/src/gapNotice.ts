// What the dashboard says about a `gap` event: which events are missing and why, with their ids
// shown short (whole in the title, copied on click like an event's id).
import type { StreamGap } from '@ws/events';
import { shortId } from './copy.js';
import { el } from './dom.js';

/** A notice as text and event ids, so it can be rendered as nodes or read as one line. */
export type NoticePart = string | { id: string };

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The parts of the notice for `gap` (`undefined`: the server's gap data was unreadable). */
export function gapNotice(gap: StreamGap | undefined): NoticePart[] {
  if (gap === undefined) return ['gap: the server reported missing events (its details were unreadable)'];
  switch (gap.reason) {
    case 'overflow':
      return gap.firstId === gap.lastId
        ? [`gap: ${plural(gap.missed, 'event')} missed (this tab fell behind): `, { id: gap.firstId }]
        : [
            `gap: ${plural(gap.missed, 'event')} missed (this tab fell behind): `,
            { id: gap.firstId },
            ' to ',
            { id: gap.lastId },
          ];
    case 'unrenderable':
      return ['gap: event ', { id: gap.firstId }, ` could not be rendered by the server: ${gap.message}`];
    case 'expired':
      return ['gap: events after ', { id: gap.lastEventId }, ' are no longer kept (the server trimmed its history)'];
    case 'unknown':
      return [
        'gap: history before this point is unavailable (the server does not know ',
        { id: gap.lastEventId },
        ': it restarted or its history was reset)',
      ];
  }
}

/** The notice as one line, ids short (for the page's alert line). */
export function noticeText(parts: NoticePart[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : `#${shortId(p.id)}`)).join('');
}

/** The notice as nodes: each id a button showing the short form, the whole id in its title and copied on click. */
export function noticeNodes(parts: NoticePart[]): (Node | string)[] {
  return parts.map((p) =>
    typeof p === 'string'
      ? p
      : el('button', {
          class: 'event-id',
          text: `#${shortId(p.id)}`,
          attrs: { type: 'button', title: p.id, 'data-copy': p.id },
        }),
  );
}
