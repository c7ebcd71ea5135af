import { requestIdOf } from './request-id';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdOf', () => {
  it.each([
    '3f2a1c9e-5b7d-4e8f-9a0b-1c2d3e4f5a6b',
    '01J9ZQ7K3M8N2P4R6S8T0V2W4X',
    '4bf92f3577b34da6a3ce929d0e0e4736',
    'gateway-42:7',
    'a'.repeat(128),
  ])('given the client sends X-Request-Id %s, then the request keeps it', (offered) => {
    expect(requestIdOf({ headers: { 'x-request-id': offered } })).toBe(offered);
  });

  it.each([
    ['none', undefined],
    ['an empty one', ''],
    ['one of 129 characters', 'a'.repeat(129)],
    ['one of kilobytes', 'a'.repeat(5000)],
    ['one with a space', 'fuzz id'],
    ['one with a tab', 'fuzz\tid'],
    ['one with quotes', "'; DROP TABLE events; --"],
    ['a path', '../../x'],
    ['another script', '请求'],
    ['one sent twice', ['fuzz-a', 'fuzz-b']],
  ])('given the client sends %s, then the request gets a fresh UUID', (_label, offered) => {
    const id = requestIdOf({ headers: { 'x-request-id': offered } });

    expect(id).toMatch(UUID);
    expect(id).not.toBe(offered);
  });
});
