/**
 * Milliseconds on CLOCK_MONOTONIC: the same clock in every process on this machine (and the clock of
 * V8's CPU profile timestamps), so a publisher's stamp and a receiver's arrival time compare directly.
 */
export const monoMs = (): number => Number(process.hrtime.bigint()) / 1e6;
