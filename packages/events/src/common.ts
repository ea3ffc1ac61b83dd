import { z } from 'zod';

/** An ISO-8601 date-time in UTC (`2024-01-20T10:30:00.000Z`) or with an offset. */
export const TimestampSchema = z.iso.datetime({ offset: true });
export type Timestamp = z.infer<typeof TimestampSchema>;

/** A JSON value (what `JSON.parse` can return). */
export const JsonValueSchema = z.json();
export type JsonValue = z.infer<typeof JsonValueSchema>;
