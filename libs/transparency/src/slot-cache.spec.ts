import { SlotCache } from './slot-cache';

const value = (byte: number): Buffer => Buffer.alloc(4, byte);

describe('slot cache', () => {
  it('given nothing kept, then it has allocated nothing; once one value is kept, the whole buffer', () => {
    const cache = new SlotCache<string>(3, 4);
    expect(cache.allocatedBytes).toBe(0);

    cache.keep('a', value(1));

    expect({ allocated: cache.allocatedBytes, used: cache.usedBytes, bound: cache.boundBytes }).toEqual({
      allocated: 12,
      used: 4,
      bound: 12,
    });
  });

  it('given a full cache, when a value is kept, then it takes the least recently used slot no one has pinned', () => {
    // given
    const cache = new SlotCache<string>(2, 4);
    cache.keep('a', value(1));
    cache.keep('b', value(2));
    cache.pin(cache.slotOf('a') as number); // 'a' is now the most recently used, and pinned
    cache.slotOf('b'); // 'b' the most recently used

    // when
    const kept = cache.keep('c', value(3));

    // then 'a', pinned though least recently used, stays; 'b' made way
    expect(kept).toBe(true);
    expect([cache.has('a'), cache.has('b'), cache.has('c')]).toEqual([true, false, true]);
    expect(cache.view(cache.slotOf('a') as number)).toEqual(value(1));
  });

  it('given every slot pinned, when a value is kept, then nothing is kept and nothing given up', () => {
    const cache = new SlotCache<string>(1, 4);
    cache.keep('a', value(1));
    cache.pin(cache.slotOf('a') as number);

    expect(cache.keep('b', value(2))).toBe(false);
    expect([cache.has('a'), cache.has('b')]).toEqual([true, false]);
  });

  it('given a slot unpinned again, when a value is kept, then that slot can be taken', () => {
    const cache = new SlotCache<string>(1, 4);
    cache.keep('a', value(1));
    const slot = cache.slotOf('a') as number;
    cache.pin(slot);
    cache.unpin(slot);

    expect(cache.keep('b', value(2))).toBe(true);
    expect(cache.view(cache.slotOf('b') as number)).toEqual(value(2));
  });

  it('given a value of another size, when kept, then it is refused', () => {
    expect(() => new SlotCache<string>(1, 4).keep('a', Buffer.alloc(5))).toThrow(RangeError);
  });

  it('given no capacity, then nothing is kept', () => {
    const cache = new SlotCache<string>(0, 4);
    expect(cache.keep('a', value(1))).toBe(false);
    expect(cache.allocatedBytes).toBe(0);
  });
});
