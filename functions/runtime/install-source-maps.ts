/**
 * Side-effect module, imported first by every handler: stack traces in source terms, the map read on the first
 * stack formatted (lazy-source-maps.ts). In a bundle, import.meta.url is the bundle's file (index.mjs).
 */
import { installLazySourceMaps } from './lazy-source-maps.js';

installLazySourceMaps(import.meta.url);
