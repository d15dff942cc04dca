export { eventSubject, type Bus, type BusHandler, type BusSubscription } from './bus.js';
export { InProcessBus } from './in-process.js';
