/**
 * Up to `capacity` values of `slotBytes` each by key, in slots of one buffer, the least recently used
 * out first. A value costs its bytes and a map entry of two numbers, not a Buffer and its ArrayBuffer
 * on the heap among short-lived ones, and evicting one frees nothing for the allocator to scatter.
 * The buffer is allocated when the first value is kept; its pages become resident as slots fill.
 *
 * A slot can be pinned while a caller holds a view of it across an await (a proof reading other
 * tiles, say): a pinned slot is never given to another key. Values leave as views (`view`) that the
 * caller copies before its next await unless the slot is pinned meanwhile.
 */
export class SlotCache<Key> {
  /** Key → slot, least recently used first. */
  private readonly slots = new Map<Key, number>();
  private slab: Buffer | undefined;
  private readonly pins: Uint32Array;

  constructor(
    readonly capacity: number,
    readonly slotBytes: number,
  ) {
    this.pins = new Uint32Array(capacity);
  }

  get size(): number {
    return this.slots.size;
  }

  /** The bytes of the slots in use. */
  get usedBytes(): number {
    return this.slots.size * this.slotBytes;
  }

  /** The buffer's bytes once allocated (when the first value is kept), 0 before. */
  get allocatedBytes(): number {
    return this.slab?.length ?? 0;
  }

  /** The bytes of every slot: the most the buffer takes. */
  get boundBytes(): number {
    return this.capacity * this.slotBytes;
  }

  has(key: Key): boolean {
    return this.slots.has(key);
  }

  /** The key's slot, now the most recently used; undefined when not (or no longer) kept. */
  slotOf(key: Key): number | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    this.slots.delete(key);
    this.slots.set(key, slot);
    return slot;
  }

  /** The slot's bytes, in place: valid until the slot is given to another key (never while pinned). */
  view(slot: number): Buffer {
    const slab = this.slab as Buffer;
    return slab.subarray(slot * this.slotBytes, (slot + 1) * this.slotBytes);
  }

  pin(slot: number): void {
    this.pins[slot]++;
  }

  unpin(slot: number): void {
    this.pins[slot]--;
  }

  /**
   * Copies `value` into the key's slot (as the most recently used): its own, a free one, or the least
   * recently used one no caller has pinned. False when every slot is pinned, and nothing is kept.
   */
  keep(key: Key, value: Buffer): boolean {
    if (value.length !== this.slotBytes) {
      throw new RangeError(`a value here is ${this.slotBytes} bytes, not ${value.length}`);
    }
    if (this.capacity === 0) return false;
    let slot = this.slots.get(key);
    if (slot !== undefined) {
      this.slots.delete(key);
    } else if (this.slots.size < this.capacity) {
      slot = this.slots.size;
    } else {
      for (const [oldest, candidate] of this.slots) {
        if (this.pins[candidate] > 0) continue;
        this.slots.delete(oldest);
        slot = candidate;
        break;
      }
      if (slot === undefined) return false;
    }
    this.slab ??= Buffer.alloc(this.capacity * this.slotBytes);
    value.copy(this.slab, slot * this.slotBytes);
    this.slots.set(key, slot);
    return true;
  }
}
