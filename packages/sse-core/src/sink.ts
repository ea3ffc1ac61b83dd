/**
 * Where a connection's bytes go: one HTTP response. Adapters implement it over a `node:http`
 * `ServerResponse` or a Fetch `ReadableStream`; {@link Hub.subscribe} takes one for a custom transport.
 */
export interface SseSink {
  /**
   * Writes bytes. Returns `false` when the transport is saturated; the adapter then calls
   * {@link SinkConnection.drain} once it can take more (Node `drain`, stream `pull`).
   */
  write(chunk: Uint8Array): boolean;
  /** Bytes accepted by the transport but not yet handed to the peer (Node `writableLength`). */
  bufferedBytes(): number;
  /** Ends the response. Must be safe to call on a sink the peer already closed. */
  close(): void;
}
