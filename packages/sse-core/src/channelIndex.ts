/** What the index needs to know of a connection. */
interface Indexed {
  readonly channels: ReadonlySet<string> | null;
}

/**
 * The hub's connections, by channel: the fan-out visits the unfiltered ones and those of the
 * event's channel only, never the whole set.
 */
export class ChannelIndex<S extends Indexed> {
  /** Every connection. */
  readonly all = new Set<S>();
  /** Connections without a channel filter. */
  readonly unfiltered = new Set<S>();
  /** Connections by each channel they filter on. */
  readonly byChannel = new Map<string, Set<S>>();

  get size(): number {
    return this.all.size;
  }

  add(sub: S): void {
    this.all.add(sub);
    if (sub.channels === null) {
      this.unfiltered.add(sub);
      return;
    }
    for (const ch of sub.channels) {
      let set = this.byChannel.get(ch);
      if (set === undefined) {
        set = new Set();
        this.byChannel.set(ch, set);
      }
      set.add(sub);
    }
  }

  remove(sub: S): void {
    this.all.delete(sub);
    if (sub.channels === null) {
      this.unfiltered.delete(sub);
      return;
    }
    for (const ch of sub.channels) {
      const set = this.byChannel.get(ch);
      set?.delete(sub);
      if (set?.size === 0) this.byChannel.delete(ch);
    }
  }

  /** Connections per channel; those without a channel filter count under `*`. */
  counts(): Record<string, number> {
    const channels: Record<string, number> = {};
    if (this.unfiltered.size > 0) channels['*'] = this.unfiltered.size;
    for (const [ch, set] of this.byChannel) channels[ch] = set.size;
    return channels;
  }
}
