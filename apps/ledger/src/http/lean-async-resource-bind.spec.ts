import { AsyncLocalStorage, AsyncResource } from 'node:async_hooks';
import { useLeanAsyncResourceBind } from './lean-async-resource-bind';

describe('AsyncResource#bind without the deprecated asyncResource property', () => {
  beforeAll(() => useLeanAsyncResourceBind());

  it('runs the function in the async context it was bound in, with its this, arguments and result', () => {
    // Given a function bound while a request's context was current
    const storage = new AsyncLocalStorage<string>();
    const receiver = { name: 'receiver' };
    const bound = storage.run('request-1', () =>
      AsyncResource.bind(function (this: unknown, a: number, b: number) {
        return { context: storage.getStore(), self: this, sum: a + b };
      }),
    );

    // When it is called from another context, as a method
    const result = storage.run('request-2', () => bound.call(receiver, 2, 3));

    // Then it ran in the context it was bound in
    expect(result).toEqual({ context: 'request-1', self: receiver, sum: 5 });
  });

  it('binds this when given, keeps the length, and adds no deprecated property', () => {
    const resource = new AsyncResource('test');
    const receiver = { name: 'receiver' };
    // Node's own signature, bind(fn, thisArg), which @types/node leaves out
    const bindWithThis = resource.bind as (
      fn: unknown,
      thisArg: unknown,
    ) => (a: number, b: number) => unknown;
    const bound = bindWithThis.call(
      resource,
      function (this: unknown, _a: number, _b: number) {
        return this;
      },
      receiver,
    );

    expect(bound(1, 2)).toBe(receiver);
    expect(bound).toHaveLength(2);
    expect(Object.prototype.hasOwnProperty.call(bound, 'asyncResource')).toBe(false);
  });

  it('refuses what is not a function, as Node does', () => {
    // By name and message, not instanceof: the patch may have been installed from another test
    // file's realm (Jest's sandboxes share Node's built-in modules), whose TypeError is another class.
    let refusal: unknown;
    try {
      new AsyncResource('test').bind('not a function' as never);
    } catch (error) {
      refusal = error;
    }

    expect(refusal).toMatchObject({ name: 'TypeError', message: expect.stringMatching(/"fn".*function/) });
  });
});
