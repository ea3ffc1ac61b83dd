import { DEFAULT_LOG_CAPACITY, DEFAULT_STOP_GRACE_MS } from '@ws/runner';
import { DEFAULT_MAX_MCP_SESSIONS, DEFAULT_MCP_PING_MS } from '../mcp/http/httpSessions.js';
import { DEFAULT_SESSION_EVENTS } from '../mcp/http/sessionEventLogs.js';
import { onOff, whole, withDefault } from './optionSpec.js';

/** MCP over HTTP, and the dev processes its tools run. */
export const MCP_OPTIONS = {
  /** Interval of the `ping` event on MCP GET streams, in ms. Default: 30000. */
  mcpPingMs: withDefault(whole(100), DEFAULT_MCP_PING_MS, {
    arg: 'ms',
    help: 'ping event interval on MCP GET streams, in ms',
  }),
  /** Most concurrent MCP sessions over HTTP. Default: 100. */
  maxMcpSessions: withDefault(whole(1), DEFAULT_MAX_MCP_SESSIONS, { arg: 'n', help: 'most MCP sessions over HTTP' }),
  /**
   * Events each MCP session keeps for Last-Event-ID resumption, in memory and in Redis; a resume from
   * further back gets a gap notification first (`DEFAULT_SESSION_EVENTS`). Default: 1000.
   */
  mcpSessionEvents: withDefault(whole(10), DEFAULT_SESSION_EVENTS, {
    arg: 'n',
    help: 'events kept per MCP session for resumption; older ones are announced by a gap',
  }),
  /**
   * Claude Code channels (research preview): tell a session whose client declared the `claude/channel`
   * capability, in one line, when a dev process exits with an error or a new error appears. Default: off.
   */
  channels: withDefault(onOff(), false, {
    help: 'tell Claude Code sessions (claude/channel, research preview) when a dev process fails or a new error appears',
  }),
  /** Between SIGTERM and SIGKILL when stopping a dev process, in ms (`DEFAULT_STOP_GRACE_MS` of @ws/runner). Default: 5000. */
  stopGraceMs: withDefault(whole(0), DEFAULT_STOP_GRACE_MS, {
    arg: 'ms',
    help: 'grace from SIGTERM to SIGKILL when stopping a dev process, in ms',
  }),
  /** Log lines kept from the dev processes, all together (`DEFAULT_LOG_CAPACITY` of @ws/runner). Default: 10000. */
  logCapacity: withDefault(whole(100), DEFAULT_LOG_CAPACITY, { arg: 'n', help: 'dev-process log lines kept' }),
};
