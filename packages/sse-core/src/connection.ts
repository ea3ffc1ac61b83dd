/** What happens when a connection's queue exceeds its byte budget. */
export type OverflowPolicy =
  /**
   * Drop the oldest normal-priority frames; each dropped run becomes one `gap` event
   * (`{"reason":"overflow","missed":N,"firstId":"…","lastId":"…"}`) at the place those events had.
   */
  | 'drop-oldest'
  /** Close the connection; the client reconnects with `Last-Event-ID` and replays from history. */
  | 'disconnect';

/** Why a connection was closed. */
export type CloseReason = 'client' | 'overflow' | 'lifetime' | 'hub-closed' | 'error' | 'server';

/**
 * A message for one connection only ({@link Connection.send}): not published, not stored, not
 * replayed, and written without an `id:` line, so the client's last event id (what it resumes
 * from) stays the id of the last shared event it received: a private message can make a resume
 * neither skip nor repeat a shared event. Not rendered by the connection's format.
 */
export interface PrivateMessage {
  /** Payload: a string as it is, anything else through the hub's `serializer` (default `JSON.stringify`). */
  data: unknown;
  /** SSE `event:` field (1-256 characters without CR, LF or NUL); none: the client dispatches `message`. @default undefined */
  type?: string | undefined;
}

/** One open SSE connection, as the adapters and {@link Hub.subscribe} hand it out. */
export interface Connection {
  /** Unique within the hub. */
  readonly id: number;
  /** Channel filter; `null` means every channel. */
  readonly channels: ReadonlySet<string> | null;
  /** Type filter; `null` means every type. */
  readonly types: ReadonlySet<string> | null;
  /** Name of the format its events are rendered with. */
  readonly format: string;
  /** Bytes waiting in this connection's own queue (not yet handed to the transport). */
  readonly queuedBytes: number;
  /** True once closed, by either side. */
  readonly closed: boolean;
  /**
   * Sends a {@link PrivateMessage} to this connection only. It is queued behind what is already
   * queued, never dropped, and written at once if the transport takes bytes. Returns `false`, and
   * sends nothing, when the connection is closed or the message does not fit in its byte budget
   * now; throws `SseError` `invalid_field` for a bad `type` or a payload the serializer refuses.
   */
  send(message: PrivateMessage): boolean;
  /**
   * Closes the connection; `reason` (default `'server'`) reaches the `onClose` listeners. What is
   * still queued is dropped (the client resumes from its last id), except for `'lifetime'` and
   * `'hub-closed'`, which write it first. Idempotent.
   */
  close(reason?: CloseReason): void;
  /** Registers a callback for when the connection closes (called once, with the reason). */
  onClose(listener: (reason: CloseReason, connection: Connection) => void): void;
}

/** What {@link Hub.subscribe} returns: a {@link Connection}, plus the signal a custom sink's transport gives. */
export interface SinkConnection extends Connection {
  /** Call when the transport that refused a write (`SseSink.write` returned `false`) can take bytes again. */
  drain(): void;
}
