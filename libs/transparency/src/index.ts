export * from './merkle';
export * from './tiles';
export * from './signed-note';
