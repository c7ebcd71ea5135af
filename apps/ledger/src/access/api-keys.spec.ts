import { hashToken, newApiKey } from './api-keys';

describe('API keys', () => {
  it('are stored as the SHA-256 of the token, in hex', () => {
    // FIPS 180-2's test vector for "abc"
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('are 256 random bits behind a prefix scanners recognise, shown once with the hash that is kept', () => {
    const key = newApiKey();

    expect(key.token).toMatch(/^odl_[A-Za-z0-9_-]{43}$/);
    expect(key.keyHash).toBe(hashToken(key.token));
    expect(newApiKey().token).not.toBe(key.token);
  });
});
