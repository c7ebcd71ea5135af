export * from './merkle';
export * from './tiles';
export * from './signed-note';
export * from './remembered-hashes';
