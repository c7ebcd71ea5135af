import type { Actor, JsonObject } from '@ledger/events';

/** What every command brings besides its data: the clock and the acting principal arrive here, never read inside a decision. */
export interface CommandMetadata {
  now: Date;
  actor: Actor;
}

/** An event as a decider produces it: the loop adds ids, stream, actor, times and legal basis. */
export interface DomainEvent<TType extends string = string, TData extends object = JsonObject> {
  type: TType;
  data: TData;
}

/**
 * A pure decider (Emmett / Chassaing): `decide` turns a command and the current state into the
 * facts to record (`[]` = nothing to record) or throws a DomainError; `evolve` folds one fact into
 * the state and never throws.
 */
export interface Decider<TCommand, TState, TEvent extends DomainEvent<string, object>> {
  readonly initialState: TState;
  decide(command: TCommand, state: TState): TEvent[];
  evolve(state: TState, event: TEvent): TState;
}

export function fold<TState, TEvent extends DomainEvent<string, object>>(
  decider: Pick<Decider<unknown, TState, TEvent>, 'initialState' | 'evolve'>,
  events: Iterable<TEvent>,
): TState {
  let state = decider.initialState;
  for (const event of events) state = decider.evolve(state, event);
  return state;
}

export function assertNever(value: never): never {
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

/** The `default` of an `evolve` switch: proves at compile time that every event is handled, and keeps `evolve` total at run time. */
export function unchanged<TState>(eventType: never, state: TState): TState {
  void eventType;
  return state;
}
