// The proxy mappings: each dev server's target → its proxy URL (the one to open), and its process.
import { browserApi } from '../browserApi.js';
import type { ProxyMapping } from '../browserTypes.js';
import { byId, el } from '../dom.js';
import type { Reporter } from '../panelNote.js';

/** Only http(s) URLs become links (a mapping is server data, but a link must never run script). */
const safeHref = (url: string) => (/^https?:\/\//i.test(url) ? url : undefined);

function item(m: ProxyMapping): HTMLElement {
  const href = safeHref(m.proxyUrl);
  return el(
    'li',
    { class: 'mapping', attrs: { 'data-target': m.target } },
    href
      ? el('a', {
          class: 'proxy-url',
          text: m.proxyUrl,
          attrs: { href, target: '_blank', rel: 'noopener noreferrer', title: 'open the page through the proxy' },
        })
      : el('code', { text: m.proxyUrl }),
    el('span', { class: 'arrow', text: ' → ', attrs: { 'aria-label': 'forwards to' } }),
    el('code', { class: 'target', text: m.target }),
    el('span', { class: 'meta', text: `${m.processId ?? 'no process'} · ${m.source}` }),
  );
}

export async function loadMappings(report: Reporter): Promise<ProxyMapping[]> {
  const list = byId('proxy-mappings');
  try {
    const { mappings } = await browserApi.mappings();
    list.replaceChildren(...mappings.map(item));
    if (mappings.length === 0)
      list.append(el('li', { class: 'muted', text: 'no proxy yet: run a dev script that prints its URL' }));
    return mappings;
  } catch (error) {
    report.fail('proxy mappings', error);
    return [];
  }
}
