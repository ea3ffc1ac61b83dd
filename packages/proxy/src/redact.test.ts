import { describe, expect, it } from 'vitest';
import { REDACTED, redactUrl } from './redact.js';

describe('redactUrl', () => {
  it('hides the values of credential-looking query parameters and keeps everything else as sent', () => {
    expect(redactUrl('/api/items?page=2&access_token=abc.def&sort=name')).toBe(
      `/api/items?page=2&access_token=${REDACTED}&sort=name`,
    );
    expect(redactUrl('/cb?code=xyz&state=s1&X-Amz-Signature=f00&apiKey=k&password=p&key=k2')).toBe(
      `/cb?code=${REDACTED}&state=s1&X-Amz-Signature=${REDACTED}&apiKey=${REDACTED}&password=${REDACTED}&key=${REDACTED}`,
    );
    expect(redactUrl('/a?api%5Fkey=1&flag&empty=')).toBe(`/a?api%5Fkey=${REDACTED}&flag&empty=`);
  });

  it('leaves URLs without secrets, without a query, or with malformed escapes intact', () => {
    expect(redactUrl('/index.html')).toBe('/index.html');
    expect(redactUrl('/search?q=tokenizer&monkey=1')).toBe('/search?q=tokenizer&monkey=1');
    expect(redactUrl('/x?%E0%A4%A=1&y=2')).toBe('/x?%E0%A4%A=1&y=2');
  });
});
