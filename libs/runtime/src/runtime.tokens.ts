/** Injection tokens of what every process shares. */
export const LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
export const LOGGER = Symbol('LOGGER');
export const JOURNAL = Symbol('JOURNAL');
export const EVENT_STORE = Symbol('EVENT_STORE');
export const REDIS = Symbol('REDIS');
export const TRANSPARENCY_LOG = Symbol('TRANSPARENCY_LOG');
