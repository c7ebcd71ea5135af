export * from './entry';
export * from './stream-ids';
export * from './event-catalogue';
export * from './ledger-events.v1';
export * from './upcasters';
export * from './faithful-json';
export * from './measures-events.v1';
export * from './access-events.v1';
