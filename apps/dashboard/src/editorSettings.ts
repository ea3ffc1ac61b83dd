// The "Editor links" control: a preset menu and the URL template it fills, stored in localStorage.
import { byId, el } from './dom.js';
import { checkTemplate, EDITOR_PRESETS, loadTemplate, saveTemplate } from './editorLinks.js';

const HELP = '{file} absolute path, {line}, {column}';

/** Wires `#editor-preset`, `#editor-template` and `#editor-help`; calls `onChange` with each valid template. */
export function createEditorSettings(onChange: (template: string) => void): { template: string } {
  const preset = byId<HTMLSelectElement>('editor-preset');
  const input = byId<HTMLInputElement>('editor-template');
  const help = byId('editor-help');
  const state = { template: loadTemplate() };

  preset.replaceChildren(
    ...Object.entries(EDITOR_PRESETS).map(([key, p]) => el('option', { text: p.label, attrs: { value: key } })),
    el('option', { text: 'Custom', attrs: { value: 'custom' } }),
  );
  const presetOf = (template: string) =>
    Object.entries(EDITOR_PRESETS).find(([, p]) => p.template === template)?.[0] ?? 'custom';
  const show = () => {
    preset.value = presetOf(state.template);
    input.value = state.template;
  };
  const apply = (template: string) => {
    const problem = checkTemplate(template.trim());
    input.setAttribute('aria-invalid', String(problem !== undefined));
    help.textContent = problem ?? HELP;
    if (problem !== undefined) return;
    state.template = template.trim();
    saveTemplate(state.template);
    onChange(state.template);
  };

  show();
  help.textContent = HELP;
  preset.addEventListener('change', () => {
    if (preset.value === 'custom') {
      input.focus();
      return;
    }
    const chosen = EDITOR_PRESETS[preset.value as keyof typeof EDITOR_PRESETS];
    input.value = chosen.template;
    apply(chosen.template);
  });
  input.addEventListener('change', () => {
    apply(input.value);
    if (input.getAttribute('aria-invalid') === 'false') preset.value = presetOf(state.template);
  });
  return state;
}
