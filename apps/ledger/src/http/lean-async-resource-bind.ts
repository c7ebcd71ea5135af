import { AsyncResource } from 'node:async_hooks';

/**
 * Makes `AsyncResource#bind` (and so the static `AsyncResource.bind`) build its bound function as
 * Node.js does from version 25 on, without the deprecated `asyncResource` property (DEP0172).
 *
 * Why: Fastify binds the callback of every request body's parser this way, and Node 20 defines that
 * property with a getter and a setter each wrapped by `deprecate` — per call. That was 4% of the
 * ledger's time serving single-event appends, most of it in `deprecate` (nodejs/node#58218, fixed
 * upstream by dropping the property: nodejs/node#58618). The bound function runs `fn` in the
 * resource's async context with the same `this`, arguments and result as before; only the property,
 * deprecated since Node 20 and read by nothing this process runs, is gone.
 *
 * Done once per process, and only where the running Node still adds the property.
 */
type AnyFunction = (this: unknown, ...args: unknown[]) => unknown;

export function useLeanAsyncResourceBind(): void {
  const probe = new AsyncResource('ledger:probe');
  if (
    !Object.prototype.hasOwnProperty.call(
      probe.bind(() => undefined),
      'asyncResource',
    )
  )
    return;
  AsyncResource.prototype.bind = function bind(this: AsyncResource, fn: AnyFunction, thisArg?: unknown) {
    return leanBind(this, fn, thisArg);
  } as AsyncResource['bind'];
}

/** What Node's bind does, less the deprecated property: `fn` run in `resource`'s async scope. */
function leanBind(resource: AsyncResource, fn: AnyFunction, thisArg: unknown): AnyFunction {
  if (typeof fn !== 'function') throw new TypeError('The "fn" argument must be of type function');
  const bound =
    thisArg === undefined
      ? function (this: unknown, ...args: unknown[]) {
          return resource.runInAsyncScope(fn, this, ...args);
        }
      : resource.runInAsyncScope.bind(resource, fn, thisArg);
  Object.defineProperty(bound, 'length', {
    configurable: true,
    enumerable: false,
    value: fn.length,
    writable: false,
  });
  return bound;
}
