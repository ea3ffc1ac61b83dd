// A console call's serialized arguments as one line of text, the way a browser console prints them:
// printf-style substitutions in a leading string (%s %d %i %f %o %O %j %c), the rest joined by spaces.

/** Formats serialized console arguments; at most `maxChars` characters. */
export function formatConsole(args: readonly unknown[], maxChars: number): string {
  const parts: string[] = [];
  let rest = args;
  const first = args[0];
  if (typeof first === 'string' && first.includes('%')) {
    let index = 1;
    const text = first.replace(/%([sdifoOjc%])/g, (match, spec: string) => {
      if (spec === '%') return '%';
      if (index >= args.length) return match;
      const value = args[index++];
      if (spec === 'c') return '';
      if (spec === 'd' || spec === 'i') return typeof value === 'number' ? String(Math.trunc(value)) : 'NaN';
      if (spec === 'f') return typeof value === 'number' ? String(value) : 'NaN';
      if (spec === 's') return typeof value === 'string' ? value : show(value);
      return show(value);
    });
    parts.push(text);
    rest = args.slice(index);
  } else if (args.length > 0) {
    parts.push(typeof first === 'string' ? first : show(first));
    rest = args.slice(1);
  }
  for (const value of rest) {
    parts.push(typeof value === 'string' ? value : show(value));
    if (parts.reduce((sum, part) => sum + part.length, 0) > maxChars) break;
  }
  const line = parts.join(' ');
  return line.length > maxChars ? `${line.slice(0, maxChars - 1)}…` : line;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
