// Compiles the page script (src/page/main.ts) to one self-contained, minified IIFE. The library embeds
// the text at build time (tsup `define`, and the same `define` in vitest.config.ts for tests against
// src), so `pageScript()` needs no file access at run time.
import { buildSync } from 'esbuild';

/** The global the library reads the page script text from. */
export const PAGE_SOURCE_GLOBAL = '__WEBSTREAM_PAGE_SOURCE__';

/** Builds the page script and returns its text. */
export function buildPageSource(): string {
  const result = buildSync({
    entryPoints: [new URL('../src/page/main.ts', import.meta.url).pathname],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['chrome100', 'firefox100', 'safari15'],
    minify: true,
    legalComments: 'none',
    write: false,
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('esbuild produced no page script');
  const text = file.text.trim();
  // The text is injected inside <script>…</script>: these sequences would end or confuse it.
  if (/<\/script|<!--/i.test(text)) throw new Error('the page script contains </script or <!--');
  return text;
}
