import type { Clock } from '../core/contracts/clock.js';

/** The real clock: monotonic seconds from `performance.now()`. */
export const WALL_CLOCK: Clock = { nowS: () => performance.now() / 1000 };
