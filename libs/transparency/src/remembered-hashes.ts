import { HASH_SIZE } from './merkle';

/**
 * Up to `capacity` hashes by key, the least recently used out first, all in one buffer allocated once:
 * a hash costs its 32 bytes and a map entry of two numbers, not a Buffer and its ArrayBuffer on the heap
 * (about 500 bytes each, measured), and evicting one frees nothing for the allocator to scatter.
 * A hash is handed out as a copy, so a slot reused after the caller's next await cannot change it.
 */
export class RememberedHashes<Key extends number | string> {
  /** Key → slot, least recently used first. */
  private readonly slots = new Map<Key, number>();
  private readonly hashes: Buffer;

  constructor(private readonly capacity: number) {
    this.hashes = Buffer.alloc(capacity * HASH_SIZE);
  }

  get size(): number {
    return this.slots.size;
  }

  /** The memory it takes: the buffer, and about 40 bytes a map entry. */
  get bytes(): number {
    return this.hashes.length + 40 * this.slots.size;
  }

  /** The most it may take. */
  get boundBytes(): number {
    return this.hashes.length + 40 * this.capacity;
  }

  /** A copy of the hash, now the most recently used; undefined when not (or no longer) remembered. */
  get(key: Key): Buffer | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    this.slots.delete(key);
    this.slots.set(key, slot);
    return Buffer.from(this.hashes.subarray(slot * HASH_SIZE, (slot + 1) * HASH_SIZE));
  }

  /** Remembers the hash as the most recently used, forgetting the least recently used when full. */
  set(key: Key, hash: Buffer): void {
    if (hash.length !== HASH_SIZE) throw new RangeError(`a hash is ${HASH_SIZE} bytes, not ${hash.length}`);
    if (this.capacity === 0) return;
    let slot = this.slots.get(key);
    if (slot !== undefined) {
      this.slots.delete(key);
    } else if (this.slots.size < this.capacity) {
      slot = this.slots.size;
    } else {
      const [oldest, freed] = this.slots.entries().next().value as [Key, number];
      this.slots.delete(oldest);
      slot = freed;
    }
    this.slots.set(key, slot);
    hash.copy(this.hashes, slot * HASH_SIZE);
  }
}
