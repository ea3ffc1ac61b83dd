import type { McpServer } from '@modelcontextprotocol/server';
import { z } from 'zod';
import type { DevApi, StreamApi } from '../../api/webstreamApi.js';
import { debugErrorPrompt } from './debugError.js';
import { debugRequestPrompt } from './debugRequest.js';
import { scriptConfigurationPrompt } from './scriptConfiguration.js';

/** `debug_error`, `script_configuration`, `debug_request`: prompts built from what the server holds now. */
export function registerDevPrompts(server: McpServer, dev: DevApi, stream: StreamApi): void {
  server.registerPrompt(
    'debug_error',
    {
      title: 'Debug the latest error',
      description:
        'The latest detected error (or the latest matching `error`) with its stack and the log lines around it.',
      argsSchema: z.object({
        error: z.string().max(500).optional().describe('Part of the error message, to pick an older error'),
        processId: z.string().max(200).optional().describe('Only errors of this process'),
      }),
    },
    (args) => debugErrorPrompt(dev, stream, args),
  );
  server.registerPrompt(
    'script_configuration',
    {
      title: 'Which script runs a task',
      description:
        "The project's package.json scripts and running processes, and the question which script does the task.",
      argsSchema: z.object({
        task: z.string().min(1).max(500).describe('What to do: run the tests, start the dev server, build, lint, ...'),
        framework: z.string().max(100).optional().describe('The framework, if it matters (vite, next, ...)'),
      }),
    },
    (args) => scriptConfigurationPrompt(dev, args),
  );
  server.registerPrompt(
    'debug_request',
    {
      title: 'Debug a failing HTTP request',
      description:
        'A failing request with the server log lines that mention its path, the latest errors and the running servers.',
      argsSchema: z.object({
        url: z.string().min(1).max(2000).describe('The URL or path of the request'),
        method: z.string().max(20).optional().describe('GET, POST, ... (default GET)'),
        status: z.string().max(20).optional().describe('The status it answered, if any'),
      }),
    },
    (args) => debugRequestPrompt(dev, stream, args),
  );
}
