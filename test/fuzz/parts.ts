import * as fc from 'fast-check';

export type Headers = Record<string, string | string[]>;

/** A piece of a request and the labels of whatever is hostile in it. */
export interface Part<T> {
  labels: string[];
  value: T;
}

/** A request body, its Content-Type and any headers that go with it (CloudEvents' ce-*). */
export interface BodyValue {
  body?: Buffer;
  /** undefined: application/json when there is a body; null: no Content-Type at all. */
  contentType?: string | string[] | null;
  headers?: Headers;
}

export const part = <T>(value: T, ...labels: string[]): Part<T> => ({ labels, value });

export const hostile = <T>(label: string, arbitrary: fc.Arbitrary<T>): fc.Arbitrary<Part<T>> =>
  arbitrary.map((value) => part(value, label));

export const json = (value: unknown): Buffer => Buffer.from(JSON.stringify(value), 'utf8');
export const text = (value: string): Buffer => Buffer.from(value, 'utf8');
