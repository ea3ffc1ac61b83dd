// One proxied request in full: timing, sizes, failure, redacted headers and bodies (when recorded).
import type { ProxyRequest } from '../browserTypes.js';
import { el } from '../dom.js';
import { formatBytes, formatClock, formatDuration } from '../format.js';

type Headers = ProxyRequest['requestHeaders'];
type Body = ProxyRequest['requestBody'];

function headerTable(caption: string, headers: Headers | null): HTMLElement {
  if (!headers || Object.keys(headers).length === 0) return el('p', { class: 'muted', text: `${caption}: none` });
  const rows = Object.entries(headers).flatMap(([name, value]) =>
    (Array.isArray(value) ? value : [value]).map((v) =>
      el(
        'tr',
        { class: v === '[redacted]' ? 'redacted' : '' },
        el('th', { text: name, attrs: { scope: 'row' } }),
        el('td', { text: v }),
      ),
    ),
  );
  return el('table', { class: 'headers' }, el('caption', { text: caption }), el('tbody', {}, ...rows));
}

function bodyBlock(caption: string, body: Body | undefined): HTMLElement[] {
  if (!body) return [];
  const note = body.text === null ? `not shown: ${body.omitted ?? 'not text'}` : body.truncated ? 'cut at the cap' : '';
  return [
    el('h4', { text: caption }, ...(note ? [el('small', { text: ` (${note})` })] : [])),
    ...(body.text === null ? [] : [el('pre', { class: 'body', text: body.text })]),
  ];
}

/** Fills `box` with `r` (text only, never HTML); `close` is called by its close button or Escape. */
export function renderRequestDetails(box: HTMLElement, r: ProxyRequest, close: () => void): void {
  const facts: [string, string][] = [
    ['status', r.failed ? `failed (${r.error?.kind ?? 'unknown'})` : r.pending ? 'pending' : String(r.status)],
    ['started', formatClock(r.startedAt)],
    ['duration', formatDuration(r.durationMs)],
    ['sent', formatBytes(r.requestBytes)],
    ['received', formatBytes(r.responseBytes)],
    ['content type', r.contentType ?? '–'],
    ['target', r.target],
    ['process', r.processId ?? '–'],
  ];
  if (r.error) facts.push(['error', r.error.message]);
  const closeButton = el('button', { class: 'close', text: 'Close', attrs: { type: 'button' } });
  closeButton.addEventListener('click', close);
  box.onkeydown = (e) => {
    if (e.key === 'Escape') close();
  };
  box.replaceChildren(
    el(
      'div',
      { class: 'details-head' },
      el('h3', {
        text: `${r.kind === 'websocket' ? 'WS' : r.method} ${r.url}`,
        attrs: { id: 'request-details-title', tabindex: '-1' },
      }),
      closeButton,
    ),
    el('dl', { class: 'facts' }, ...facts.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: v })])),
    headerTable('Request headers', r.requestHeaders),
    headerTable('Response headers', r.responseHeaders),
    ...bodyBlock('Request body', r.requestBody),
    ...bodyBlock('Response body', r.responseBody),
    ...(r.requestBody || r.responseBody
      ? []
      : [el('p', { class: 'muted', text: 'bodies are not recorded (off by default)' })]),
  );
}
