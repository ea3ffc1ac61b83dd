const URL_PATTERN =
  /\bhttps?:\/\/(?:localhost|\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-f:]+\]|[a-z0-9-]+(?:\.[a-z0-9-]+)+)(?::\d{1,5})?(?:\/[^\s'"<>`)\]]*)?/gi;

/** URLs in a (plain, ANSI-stripped) log line, e.g. Vite's "Local: http://localhost:5173/". */
export function detectUrls(plain: string): string[] {
  return [...plain.matchAll(URL_PATTERN)].map((m) => m[0].replace(/[.,;:]+$/, ''));
}
