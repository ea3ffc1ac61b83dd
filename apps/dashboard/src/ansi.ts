// ANSI colours to DOM nodes, safely: text only ever goes into textContent, colours into class names.
import Anser from 'anser';

const KNOWN = new Set([
  'black',
  'red',
  'green',
  'yellow',
  'blue',
  'magenta',
  'cyan',
  'white',
  'bright-black',
  'bright-red',
  'bright-green',
  'bright-yellow',
  'bright-blue',
  'bright-magenta',
  'bright-cyan',
  'bright-white',
]);

/** Appends `text` to `parent` as spans coloured by its ANSI escapes. */
export function appendAnsi(parent: HTMLElement, text: string): void {
  if (!text.includes('\u001b[')) {
    parent.append(text);
    return;
  }
  for (const token of Anser.ansiToJson(text, { use_classes: true, remove_empty: true })) {
    const fg = token.fg?.replace(/^ansi-/, '');
    const bold = token.decorations?.includes('bold');
    if (!fg && !bold) {
      parent.append(token.content);
      continue;
    }
    const span = document.createElement('span');
    span.textContent = token.content;
    if (fg && KNOWN.has(fg)) span.classList.add(`fg-${fg}`);
    if (bold) span.classList.add('bold');
    parent.append(span);
  }
}
