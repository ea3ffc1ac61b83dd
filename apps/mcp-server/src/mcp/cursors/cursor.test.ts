import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, timeOfId } from './cursor.js';
import { gapNote } from './gapNote.js';

describe('read cursors', () => {
  it('round-trip event positions and digests, opaquely', () => {
    const event = encodeCursor({ kind: 'event', id: '1764672000000-3' });
    expect(event).toMatch(/^wsc1\.[A-Za-z0-9_-]+$/);
    expect(event).not.toContain('1764672000000');
    expect(decodeCursor(event)).toEqual({ ok: true, cursor: { kind: 'event', id: '1764672000000-3' } });
    const digest = encodeCursor({ kind: 'digest', digest: 'ab'.repeat(16) });
    expect(decodeCursor(digest)).toEqual({ ok: true, cursor: { kind: 'digest', digest: 'ab'.repeat(16) } });
  });

  it('refuse what the server did not issue, saying what to do', () => {
    for (const bad of ['', 'abc', '1764672000000-3', `wsc1.${Buffer.from('e:nope').toString('base64url')}`]) {
      const decoded = decodeCursor(bad);
      expect(decoded.ok).toBe(false);
      if (!decoded.ok) expect(decoded.message).toMatch(/pass back the cursor a read tool returned/);
    }
  });

  it('give a gap note that says entries are gone and from where the answer resumes', () => {
    const note = gapNote('expired', '1764672000000-0', '1764672060000-0');
    expect(note.text).toMatch(/^Some entries are gone/);
    expect(note).toMatchObject({
      cursorTime: '2025-12-02T10:40:00.000Z',
      resumedFromTime: '2025-12-02T10:41:00.000Z',
      missed: null,
    });
    expect(gapNote('unknown', '1-0', undefined).text).toMatch(/not from this server's event log/);
    expect(timeOfId('x')).toBeUndefined();
  });
});
