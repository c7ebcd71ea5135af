import { createHash } from 'node:crypto';
import { RememberedHashes } from './remembered-hashes';

const hashOf = (text: string): Buffer => createHash('sha256').update(text).digest();

describe('remembered hashes', () => {
  it('given hashes remembered below capacity, when asked for, then each comes back as it was given', () => {
    const remembered = new RememberedHashes<number>(4);
    ['a', 'b', 'c'].forEach((text, key) => remembered.set(key, hashOf(text)));

    expect([0, 1, 2, 3].map((key) => remembered.get(key))).toEqual([
      hashOf('a'),
      hashOf('b'),
      hashOf('c'),
      undefined,
    ]);
  });

  it('given a full store, when one more is remembered, then the least recently used is the one forgotten', () => {
    const remembered = new RememberedHashes<string>(2);
    remembered.set('a', hashOf('a'));
    remembered.set('b', hashOf('b'));
    remembered.get('a');

    remembered.set('c', hashOf('c'));

    expect([remembered.get('a'), remembered.get('b'), remembered.get('c')]).toEqual([
      hashOf('a'),
      undefined,
      hashOf('c'),
    ]);
    expect(remembered.size).toBe(2);
  });

  it('given a hash handed out, when its slot is reused by another, then the copy handed out is unchanged', () => {
    const remembered = new RememberedHashes<number>(1);
    remembered.set(1, hashOf('first'));
    const handedOut = remembered.get(1);

    remembered.set(2, hashOf('second'));

    expect(handedOut).toEqual(hashOf('first'));
    expect(remembered.get(2)).toEqual(hashOf('second'));
  });

  it('given a key remembered again, when read, then it holds the newer hash and takes one slot', () => {
    const remembered = new RememberedHashes<number>(2);
    remembered.set(7, hashOf('old'));
    remembered.set(7, hashOf('new'));

    expect(remembered.get(7)).toEqual(hashOf('new'));
    expect(remembered.size).toBe(1);
  });

  it('given something that is not a 32-byte hash, when remembered, then it is refused', () => {
    expect(() => new RememberedHashes<number>(2).set(1, Buffer.alloc(31))).toThrow(RangeError);
  });
});
