import { Decider, DomainEvent, fold } from '../decider';
import type { DomainError } from '../domain-error';

/** What a decision came to: the events to record, or the code of the refusal. */
type Outcome<TEvent, TCode> = { decided: TEvent[] } | { refused: TCode };

export interface DeciderThen<TEvent, TCode extends string> {
  /** The command is accepted and records exactly these events (`[]`: nothing to record). */
  then(expected: TEvent[]): void;
  /** The command is refused with a domain error of the aggregate's class carrying this code. */
  thenThrows(code: TCode): void;
}

export interface DeciderSpec<TCommand, TEvent, TCode extends string> {
  given(events: TEvent[]): { when(command: TCommand): DeciderThen<TEvent, TCode> };
}

/**
 * Given/when/then for a pure decider (Emmett style): `given` events are folded with the decider's
 * own `evolve`, `when` decides, `then` compares the events, `thenThrows` the refusal's code.
 * Not a thenable: never `return` or `await` what `when` gives back.
 */
export function deciderSpec<
  TCommand,
  TState,
  TEvent extends DomainEvent<string, object>,
  TCode extends string,
>(
  decider: Decider<TCommand, TState, TEvent>,
  errorType: abstract new (...args: never[]) => DomainError<TCode>,
): DeciderSpec<TCommand, TEvent, TCode> {
  const decide = (events: TEvent[], command: TCommand): Outcome<TEvent, TCode> => {
    const state = fold(decider, events);
    try {
      return { decided: decider.decide(command, state) };
    } catch (error) {
      if (error instanceof errorType) return { refused: error.code };
      throw error;
    }
  };
  return {
    given: (events) => ({
      when: (command) => ({
        then: (expected) => expect(decide(events, command)).toStrictEqual({ decided: expected }),
        thenThrows: (code) => expect(decide(events, command)).toStrictEqual({ refused: code }),
      }),
    }),
  };
}
