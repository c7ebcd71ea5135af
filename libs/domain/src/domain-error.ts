/**
 * A refused command. Each aggregate has one subclass with a union of codes; the HTTP edge maps codes
 * to statuses in one place, so the domain knows nothing of HTTP.
 */
export abstract class DomainError<TCode extends string = string> extends Error {
  constructor(
    readonly code: TCode,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}
