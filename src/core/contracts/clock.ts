import type { ServiceIdentifier } from 'inversify';

/**
 * The engine's notion of time. The server runs on the wall clock, the simulator on a virtual one;
 * the engine core cannot tell them apart.
 */
export interface Clock {
  /** Seconds since an arbitrary, fixed origin. Monotonic. */
  nowS(): number;
}

/** DI identifier of the {@link Clock} service. */
export const Clock: ServiceIdentifier<Clock> = Symbol.for('spyre.Clock');
