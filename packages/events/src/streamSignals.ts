// The events /stream sends besides messages: `gap` and `replayed`.
import { z } from 'zod';

const EventId = z.string().min(1);

/**
 * `gap` data when a resume cannot start exactly after the client's id. `expired`: the id is older
 * than the history retains; `unknown`: the history never issued it (another server run, a flushed
 * store, or garbage). The retained events follow the gap.
 */
export const HistoryGapSchema = z.object({
  reason: z.enum(['expired', 'unknown']),
  /** The id the client resumed after (`Last-Event-ID` or `?lastEventId=`). */
  lastEventId: z.string(),
});
export type HistoryGap = z.infer<typeof HistoryGapSchema>;

/**
 * `gap` data for events dropped from a slow client's queue, sent where they were. They are still
 * in history if it retains them: resuming from the id before the gap replays them.
 */
export const OverflowGapSchema = z.object({
  reason: z.literal('overflow'),
  /** Events of this subscription dropped, with ids from `firstId` to `lastId` inclusive. */
  missed: z.number().int().positive(),
  firstId: EventId,
  lastId: EventId,
});
export type OverflowGap = z.infer<typeof OverflowGapSchema>;

/**
 * `gap` data standing in place of one event its format could not render (the formatter threw).
 * The gap carries that event's own `id`, so the client moves past it; resuming would meet the same error.
 */
export const UnrenderableGapSchema = z.object({
  reason: z.literal('unrenderable'),
  missed: z.literal(1),
  /** The event's id (`firstId` and `lastId` are the same). */
  firstId: EventId,
  lastId: EventId,
  /** What the formatter threw. */
  message: z.string(),
});
export type UnrenderableGap = z.infer<typeof UnrenderableGapSchema>;

/**
 * The `data` of a `/stream` `gap` event: the server could not prove delivery complete and says
 * what is missing. Discriminated on `reason`.
 */
export const StreamGapSchema = z.discriminatedUnion('reason', [
  HistoryGapSchema,
  OverflowGapSchema,
  UnrenderableGapSchema,
]);
export type StreamGap = z.infer<typeof StreamGapSchema>;

/** The `data` of the `replayed` event that ends every replay (after a connect or a resume). */
export const ReplayedSchema = z.object({
  /** Events the replay sent (0 when there was nothing to catch up on). */
  count: z.number().int().nonnegative(),
});
export type Replayed = z.infer<typeof ReplayedSchema>;
