import type {
  BrowserResourceUri,
  DevEvent,
  LogEntry,
  ParsedPushInput,
  ProcessError,
  ProcessInfo,
  ResourceUri,
  RunResult,
  ScriptList,
  StreamMessage,
} from '@ws/events';
import type { Publisher } from '../limits/publishPolicy.js';
import type { EventLogPage } from '../stream/eventLog.js';
import type { MessageStatus, PushResult, StreamStatus } from '../stream/streamService.js';
import type { BrowserApi } from './browserApi.js';

/**
 * What a webstream does, as its MCP tools (and the dev HTTP routes) use it: in this process
 * ({@link createLocalApi}) or on a running server over HTTP (`createRemoteApi`, the stdio front).
 * Expected failures are results, never exceptions: `{ ok: false, message }` says what to fix.
 */
export interface WebstreamApi {
  readonly stream: StreamApi;
  /** Absent when the server runs no dev processes. */
  readonly dev: DevApi | undefined;
  /** The proxies, page telemetry, REPL and timeline (issue 12); absent without dev processes. */
  readonly browser?: BrowserApi | undefined;
  /** Releases connections (the remote event stream); the local API owns nothing. */
  close(): Promise<void>;
}

/** A result, or a message saying what went wrong and what to do. */
export type Outcome<T> = { ok: true; value: T } | Failure;

/** Why a call did not succeed: a message saying what to do, and the HTTP status that means the same. */
export interface Failure {
  ok: false;
  message: string;
  /** 400 bad input, 404 unknown, 409 wrong project, 429 rate-limited, 503 not now (backend away). */
  status: 400 | 403 | 404 | 409 | 422 | 429 | 503;
  /** With 429 and 503: when to try again. */
  retryAfterSeconds?: number | undefined;
}

/** A successful {@link Outcome}. */
export const success = <T>(value: T): Outcome<T> => ({ ok: true, value });
/** A failed {@link Outcome}. */
export const failure = (status: Failure['status'], message: string, retryAfterSeconds?: number): Failure => ({
  ok: false,
  message,
  status,
  ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
});

/** Pushing and reading the stream. */
export interface StreamApi {
  /** Publishes, within the publish policy of `publisher`. */
  push(
    input: ParsedPushInput,
    publisher: Publisher,
    /** `idempotencyKey`: the caller's key as given (the same namespace as `/api/push`'s `Idempotency-Key`). */
    options?: { idempotencyKey?: string | undefined },
  ): Promise<Outcome<PushResult & { replayed?: true }>>;
  status(): Promise<Outcome<StreamStatus>>;
  history(query: { channel?: string | undefined; limit?: number | undefined }): Promise<Outcome<StreamMessage[]>>;
  messageStatus(id: string): Promise<Outcome<MessageStatus>>;
  /**
   * The event log (every channel, dev events included): the events after `after`, oldest first (with a
   * `gap` reason when it cannot place `after`), or the newest `latest` when `after` is absent.
   */
  events(query: { after?: string | undefined; latest?: number | undefined }): Promise<Outcome<EventLogPage>>;
}

export type { EventLogPage };

/** The project's scripts as the supervisor sees them (`GET /api/scripts`). */
export type ScriptsInfo = ScriptList;

/** What `run` answers: the process, and whether it was running already (nothing was started then). */
export type { RunResult };

/** A search of the retained log lines. */
export interface LogSearch {
  /** Substring (case-insensitive), or a regular expression when `regex` is true. */
  query?: string | undefined;
  regex?: boolean | undefined;
  processId?: string | undefined;
  level?: 'error' | 'warn' | 'info' | undefined;
  /** Milliseconds since the epoch: only lines at or after it. */
  since?: number | undefined;
  limit?: number | undefined;
}

/** A dev-process event: the notification method and its params, exactly as MCP clients get them. */
export type DevEventMessage = DevEvent;

/** What a listener of the dev processes is told. */
export interface DevApiListener {
  event(event: DevEventMessage): void;
  resourceChanged(uri: ResourceUri | BrowserResourceUri): void;
}

/** The dev-process supervisor. */
export interface DevApi {
  scripts(): Promise<Outcome<ScriptsInfo>>;
  /** Starts a script, or returns its running process. */
  run(name: string): Promise<Outcome<RunResult>>;
  stop(processId: string): Promise<Outcome<ProcessInfo>>;
  restart(processId: string): Promise<Outcome<ProcessInfo>>;
  process(processId: string): Promise<Outcome<ProcessInfo>>;
  processes(options?: { active?: boolean }): Promise<Outcome<ProcessInfo[]>>;
  /** Matching retained lines, oldest first. */
  logs(search: LogSearch): Promise<Outcome<LogEntry[]>>;
  errors(query: { processId?: string | undefined; limit?: number | undefined }): Promise<Outcome<ProcessError[]>>;
  /** Every dev event from now on, in order; returns the function that stops listening. */
  listen(listener: DevApiListener): () => void;
}
