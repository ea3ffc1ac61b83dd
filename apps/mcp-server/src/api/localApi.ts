import type { DevService } from '../dev/devEvents.js';
import type { PublishPolicy } from '../limits/publishPolicy.js';
import type { StreamService } from '../stream/streamService.js';
import { createLocalDevApi } from './localDevApi.js';
import { createLocalStreamApi } from './localStreamApi.js';
import type { WebstreamApi } from './webstreamApi.js';

/** The {@link WebstreamApi} of the server in this process. */
export function createLocalApi(deps: {
  service: StreamService;
  dev?: DevService | undefined;
  publishPolicy?: PublishPolicy | undefined;
}): WebstreamApi {
  return {
    stream: createLocalStreamApi(deps.service, deps.publishPolicy),
    dev: deps.dev ? createLocalDevApi(deps.dev) : undefined,
    close: async () => undefined,
  };
}
