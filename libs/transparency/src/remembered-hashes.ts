import { HASH_SIZE } from './merkle';
import { SlotCache } from './slot-cache';

/**
 * Up to `capacity` hashes by key, the least recently used out first, in one buffer (a SlotCache of
 * 32-byte slots). A hash is handed out as a copy, so a slot reused after the caller's next await
 * cannot change it.
 */
export class RememberedHashes<Key extends number | string> {
  private readonly hashes: SlotCache<Key>;

  constructor(capacity: number) {
    this.hashes = new SlotCache(capacity, HASH_SIZE);
  }

  get size(): number {
    return this.hashes.size;
  }

  /** The memory it takes: the buffer, and about 40 bytes a map entry. */
  get bytes(): number {
    return this.hashes.allocatedBytes + 40 * this.hashes.size;
  }

  /** The most it may take. */
  get boundBytes(): number {
    return this.hashes.boundBytes + 40 * this.hashes.capacity;
  }

  /** A copy of the hash, now the most recently used; undefined when not (or no longer) remembered. */
  get(key: Key): Buffer | undefined {
    const slot = this.hashes.slotOf(key);
    return slot === undefined ? undefined : Buffer.from(this.hashes.view(slot));
  }

  /** Remembers the hash as the most recently used, forgetting the least recently used when full. */
  set(key: Key, hash: Buffer): void {
    if (hash.length !== HASH_SIZE) throw new RangeError(`a hash is ${HASH_SIZE} bytes, not ${hash.length}`);
    this.hashes.keep(key, hash);
  }
}
