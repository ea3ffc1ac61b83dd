/** Milliseconds on a clock shared by processes on this machine (sub-millisecond resolution). */
export const now = (): number => performance.timeOrigin + performance.now();
