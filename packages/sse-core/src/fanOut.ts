import type { ChannelIndex } from './channelIndex.js';
import { DEFAULT_TYPE, type HubEvent } from './event.js';
import { DEFAULT_FORMAT } from './hubOptions.js';
import type { Renderer } from './render.js';
import type { Subscriber } from './subscriber.js';

/** The frames of one event being fanned out, each rendered on first use (a gap frame when its formatter threw). */
interface Rendering {
  readonly event: HubEvent;
  defaultFrame: Uint8Array | undefined;
  frames: Map<string, Uint8Array> | undefined;
  /** The format asked for last and its frame: consecutive connections mostly share a format. */
  lastFormat: string | undefined;
  lastFrame: Uint8Array | undefined;
}

function frameFor(renderer: Renderer, r: Rendering, format: string): Uint8Array {
  if (format === r.lastFormat) return r.lastFrame as Uint8Array;
  const frame = renderFor(renderer, r, format);
  r.lastFormat = format;
  r.lastFrame = frame;
  return frame;
}

function renderFor(renderer: Renderer, r: Rendering, format: string): Uint8Array {
  if (format === DEFAULT_FORMAT) {
    if (r.defaultFrame === undefined) r.defaultFrame = renderer.render(r.event, format);
    return r.defaultFrame;
  }
  r.frames ??= new Map();
  let frame = r.frames.get(format);
  if (frame === undefined) {
    frame = renderer.render(r.event, format);
    r.frames.set(format, frame);
  }
  return frame;
}

function visit(renderer: Renderer, set: Set<Subscriber>, r: Rendering, type: string): number {
  let reached = 0;
  for (const sub of set) {
    if (sub.types !== null && !sub.types.has(type)) continue;
    sub.push(r.event, frameFor(renderer, r, sub.format));
    reached++;
  }
  return reached;
}

/**
 * Hands one event to every matching connection: the unfiltered ones and those of its channel.
 * Each event is serialized once per format in use, lazily (most events meet one format only); the
 * path creates no closures, only one small record per event that carries the frames. Returns the
 * number of connections it was queued to.
 */
export function fanOut(index: ChannelIndex<Subscriber>, renderer: Renderer, event: HubEvent): number {
  const scoped = index.byChannel.get(event.channel);
  if (index.unfiltered.size === 0 && scoped === undefined) return 0;
  const type = event.type ?? DEFAULT_TYPE;
  const r: Rendering = {
    event,
    defaultFrame: undefined,
    frames: undefined,
    lastFormat: undefined,
    lastFrame: undefined,
  };
  let reached = visit(renderer, index.unfiltered, r, type);
  if (scoped !== undefined) reached += visit(renderer, scoped, r, type);
  return reached;
}
