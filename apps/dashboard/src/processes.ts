// Scripts with run buttons, processes with stop/restart, the selected process's logs and errors.
import type { LogEntry, ProcessError, ProcessInfo } from '@ws/events';
import { api } from './api.js';
import { byId, el } from './dom.js';
import { editorHref, resolveErrorFile } from './editorLinks.js';
import { LogView } from './logView.js';

/** Detected errors kept for the selected process (the oldest dropped first). */
export const MAX_ERRORS = 200;

const uptime = (ms: number) =>
  ms < 60_000 ? `${Math.round(ms / 1000)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;

export class ProcessesPanel {
  readonly #logs: LogView;
  #selected: string | undefined;
  #processes: ProcessInfo[] = [];
  #refreshing = false;
  #errors: ProcessError[] = [];
  #projectDir: string | undefined;
  #editorTemplate: string;
  readonly #report: (text: string) => void;

  /** `editorTemplate`: the URL template of error links ('' = none), see editorLinks.ts. */
  constructor(report: (text: string) => void, editorTemplate: string) {
    this.#report = report;
    this.#editorTemplate = editorTemplate;
    this.#logs = new LogView(byId('log-view'));
  }

  /** The supervised project's folder, once `load` read it. */
  get projectDir(): string | undefined {
    return this.#projectDir;
  }

  async load(): Promise<void> {
    try {
      const { packageManager, scripts, cwd, problem } = await api.scripts();
      byId('package-manager').textContent = packageManager;
      this.#projectDir = cwd;
      const list = byId('scripts');
      list.replaceChildren(
        ...Object.entries(scripts).map(([name, command]) =>
          el(
            'li',
            {},
            el('button', { text: `▶ ${name}`, attrs: { type: 'button', 'data-run': name, title: command } }),
            el('code', { text: command }),
          ),
        ),
      );
      // The server says what is wrong with the folder (no package.json, no scripts) and how to fix it.
      if (Object.keys(scripts).length === 0)
        list.append(el('li', { class: 'problem', text: problem ?? 'no scripts in package.json' }));
    } catch (error) {
      this.#report(`scripts: ${(error as Error).message}`);
    }
    byId('scripts').addEventListener('click', (e) => {
      const name = (e.target as HTMLElement).closest('button')?.dataset.run;
      if (name) void this.#act(() => api.run(name).then(({ process }) => this.select(process.id)));
    });
    byId('processes').addEventListener('click', (e) => {
      const button = (e.target as HTMLElement).closest('button');
      const id = button?.closest('li')?.dataset.id;
      if (!button || !id) return;
      if (button.dataset.action === 'stop') void this.#act(() => api.stop(id));
      else if (button.dataset.action === 'restart')
        void this.#act(() => api.restart(id).then(({ process }) => this.select(process.id)));
      else void this.select(id);
    });
    await this.refresh();
  }

  async #act(action: () => Promise<unknown>): Promise<void> {
    try {
      await action();
    } catch (error) {
      this.#report((error as Error).message);
    }
    await this.refresh();
  }

  async refresh(): Promise<void> {
    if (this.#refreshing) return;
    this.#refreshing = true;
    try {
      this.#processes = (await api.processes()).processes;
      this.#renderProcesses();
    } catch {
      // The next event or tick retries.
    } finally {
      this.#refreshing = false;
    }
  }

  #renderProcesses(): void {
    const list = byId('processes');
    const rows = [...this.#processes].reverse().map((p) => {
      const status =
        p.status === 'running'
          ? `running ${uptime(p.duration)}`
          : p.signal
            ? `${p.status} (${p.signal})`
            : `${p.status} (code ${p.exitCode})`;
      const li = el(
        'li',
        {
          class: `process status-${p.status}${p.id === this.#selected ? ' selected' : ''}`,
          attrs: { 'data-id': p.id },
        },
        el('button', {
          class: 'name',
          text: p.name,
          attrs: { type: 'button', 'aria-pressed': String(p.id === this.#selected) },
        }),
        el('span', { class: 'status', text: status }),
        el('span', {
          class: 'errors',
          text: p.errorCount ? `${p.errorCount} error${p.errorCount > 1 ? 's' : ''}` : '',
        }),
      );
      // The proxy URL first: opening it is what brings the page's requests, errors and console here.
      if (p.proxyUrl && /^https?:\/\//.test(p.proxyUrl))
        li.append(
          el('a', {
            class: 'proxy-url',
            text: `proxy ${p.proxyUrl}`,
            attrs: { href: p.proxyUrl, target: '_blank', rel: 'noopener noreferrer', title: 'open through the proxy' },
          }),
        );
      for (const url of p.urls.slice(0, 2))
        li.append(el('a', { text: url, attrs: { href: url, target: '_blank', rel: 'noopener noreferrer' } }));
      if (p.status === 'running')
        li.append(el('button', { text: 'stop', attrs: { type: 'button', 'data-action': 'stop' } }));
      if (p.script) li.append(el('button', { text: 'restart', attrs: { type: 'button', 'data-action': 'restart' } }));
      return li;
    });
    list.replaceChildren(...rows);
    if (rows.length === 0) list.append(el('li', { text: 'nothing running yet' }));
  }

  async select(id: string): Promise<void> {
    this.#selected = id;
    this.#renderProcesses();
    const proc = this.#processes.find((p) => p.id === id);
    byId('log-title').textContent = proc ? `${proc.name} · ${proc.id}` : id;
    try {
      const [{ lines }, { errors }] = await Promise.all([api.logs(id), api.errors(id)]);
      if (this.#selected !== id) return;
      this.#logs.reset(lines);
      this.#errors = errors.slice(-MAX_ERRORS);
      this.#renderErrors();
    } catch (error) {
      this.#report((error as Error).message);
    }
  }

  /** A log line from the stream. */
  log(line: LogEntry): void {
    if (this.#selected === undefined) void this.select(line.processId);
    else if (line.processId === this.#selected) this.#logs.append(line);
  }

  /** A detected error from the stream. */
  error(error: ProcessError): void {
    if (error.processId !== this.#selected) return;
    this.#errors.push(error);
    if (this.#errors.length > MAX_ERRORS) {
      this.#errors.shift();
      byId('error-list').firstElementChild?.remove();
    }
    byId('error-list').append(this.#errorItem(error));
  }

  /** Changes the editor link template ('' = no links) and redraws the errors with it. */
  setEditorTemplate(template: string): void {
    this.#editorTemplate = template;
    this.#renderErrors();
  }

  #renderErrors(): void {
    byId('error-list').replaceChildren(...this.#errors.map((e) => this.#errorItem(e)));
  }

  #errorItem(e: ProcessError): HTMLElement {
    const where = el('div', { class: 'where' });
    if (!e.file) where.textContent = 'location unknown';
    else {
      const text = `${e.file}:${e.line ?? '?'}:${e.column ?? '?'}`;
      const path = resolveErrorFile(e.file, { projectDir: this.#projectDir, stack: e.stack, line: e.line });
      const href = path === undefined ? undefined : editorHref(this.#editorTemplate, path, e.line, e.column);
      where.append(
        href === undefined
          ? text
          : el('a', { class: 'editor-link', text, attrs: { href, title: `open ${path} in your editor` } }),
      );
    }
    return errorItem(e, where);
  }
}

function errorItem(e: ProcessError, where: HTMLElement): HTMLElement {
  return el(
    'li',
    { class: 'detected-error' },
    where,
    el('div', { class: 'what', text: e.message }),
    ...(e.stack ? [el('details', {}, el('summary', { text: 'stack' }), el('pre', { text: e.stack }))] : []),
  );
}
