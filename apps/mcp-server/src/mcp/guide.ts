import { DEFAULT_READ_BYTES, DEFAULT_READ_LIMIT } from './budget/budget.js';

/** The server's `instructions` when dev processes are supervised: how to use it, in a few lines. */
export const DEV_GUIDE = [
  "Dev processes: start with scripts_read (the project's scripts), then scripts_run to start one.",
  'To follow output, call logs_read, errors_read or processes_read: each answer ends with a cursor; pass it back next time to get only what is new since (it works after a reconnect and on any instance under --redis; if entries were dropped meanwhile the answer says so first).',
  `Answers are bounded (${DEFAULT_READ_LIMIT} items, ${DEFAULT_READ_BYTES / 1024} KiB by default; limit / verbose for more). logs_search finds older lines; the debug_error prompt gathers the latest error with its log lines.`,
].join(' ');

/** The instructions line about pushing messages. */
export const PUSH_GUIDE = 'messages_read (with a cursor, like the other read tools) shows what was pushed.';

/** What the `about` tool answers: how to use this server, in a few lines. */
export function aboutText(options: { dev: boolean; where: string }): string {
  const lines = [
    'webstream: pushes real-time messages to web pages over Server-Sent Events (push_stream)' +
      (options.dev ? ", and runs and watches the project's dev scripts." : '.') +
      options.where,
  ];
  if (options.dev)
    lines.push(
      'Start: scripts_read lists the scripts; scripts_run starts one (returns when it exits, or after waitMs with its processId).',
      'Follow: logs_read, errors_read, processes_read, scripts_read and messages_read return what is new since the cursor you pass back (omit it the first time). Keep the last cursor of each tool; a cursor stays valid after a reconnect and on another instance sharing --redis. If the log dropped entries after your cursor, the answer starts with "Some entries are gone".',
      `Budget: ${DEFAULT_READ_LIMIT} items and ${DEFAULT_READ_BYTES / 1024} KiB per answer by default, repeated lines collapsed (×N); limit, verbose and oldest (page forward) ask for more. logs_search and errors_list search what is retained.`,
      'Prompts: debug_error (latest error with its log lines), script_configuration (which script to run for a task), debug_request (a failing HTTP request).',
    );
  else lines.push('messages_read returns what was pushed since the cursor you pass back (omit it the first time).');
  return lines.join('\n');
}
