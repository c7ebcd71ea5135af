import { Decider, DomainEvent, fold } from '../decider';
import type { DomainError } from '../domain-error';

type ErrorType<TCode extends string = string> = abstract new (...args: never[]) => DomainError<TCode>;

/** The events a workflow decides, per stream: what one atomic append records in each. */
type StreamEvents<TStates> = { [TStream in keyof TStates]: DomainEvent<string, object>[] };

/** Each stream's own fold: the aggregate's `initialState` and `evolve`. */
type StreamFolds<TStates, TEvents extends StreamEvents<TStates>> = {
  [TStream in keyof TStates]: Pick<
    Decider<unknown, TStates[TStream], TEvents[TStream][number]>,
    'initialState' | 'evolve'
  >;
};

/** What a decision came to: the events per stream, or the class and code of the refusal. */
type Outcome<TEvents> = { decided: TEvents } | { refused: { error: string; code: string } };

export interface WorkflowThen<TEvents> {
  /** The command is accepted and records exactly these events in each stream (`[]`: nothing there). */
  then(expected: TEvents): void;
  /**
   * The command is refused by one of the aggregates: the error's class says which (codes such as
   * `NotYourOrganization` exist in several), and the code why.
   */
  thenThrows<TCode extends string>(errorType: ErrorType<TCode>, code: NoInfer<TCode>): void;
}

export interface WorkflowSpec<TCommand, TEvents> {
  /** Streams not named start empty. */
  given(events: Partial<TEvents>): { when(command: TCommand): WorkflowThen<TEvents> };
}

/**
 * Given/when/then for a decision that spans streams, such as an objection and its dataset recorded in
 * one append: each stream's `given` events are folded with that aggregate's own `evolve`, `when`
 * decides across them, `then` compares the events of every stream at once, and `thenThrows` the
 * refusing aggregate and code. Not a thenable: never `return` or `await` what `when` gives back.
 */
export function workflowSpec<TCommand, TStates extends object, TEvents extends StreamEvents<TStates>>(
  folds: NoInfer<StreamFolds<TStates, TEvents>>,
  decide: (command: TCommand, states: TStates) => TEvents,
  errorTypes: readonly ErrorType[],
): WorkflowSpec<TCommand, TEvents> {
  const statesOf = (given: Partial<TEvents>): TStates => {
    const streams = Object.keys(folds) as (keyof TStates & keyof TEvents)[];
    return Object.fromEntries(
      streams.map((stream) => [stream, fold(folds[stream], given[stream] ?? [])]),
    ) as TStates;
  };
  const outcomeOf = (given: Partial<TEvents>, command: TCommand): Outcome<TEvents> => {
    const states = statesOf(given);
    try {
      return { decided: decide(command, states) };
    } catch (error) {
      const refusedBy = errorTypes.find((errorType) => error instanceof errorType);
      if (refusedBy && error instanceof refusedBy)
        return { refused: { error: refusedBy.name, code: error.code } };
      throw error;
    }
  };
  return {
    given: (events) => ({
      when: (command) => ({
        then: (expected) => expect(outcomeOf(events, command)).toStrictEqual({ decided: expected }),
        thenThrows: (errorType, code) =>
          expect(outcomeOf(events, command)).toStrictEqual({ refused: { error: errorType.name, code } }),
      }),
    }),
  };
}
