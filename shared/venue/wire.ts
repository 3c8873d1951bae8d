/** The Polymarket US wire layer: schemas, wire → domain converters and request builders. */
export * from './wire-schemas.js';
export * from './wire-convert.js';
export * from './wire-requests.js';
