import type { Backend } from '../backend.ts';
import type { Contender, TokenStore } from '../contenders/contender.ts';

/** Everything a scenario gets: a fresh contender, its token store and the backend. */
export interface ScenarioContext {
  backend: Backend;
  contender: Contender;
  tokens: TokenStore;
}

/** What one run of a scenario measured, and the failures a user would notice (lost requests, extra popups, bodies lost). */
export interface Measured<T> {
  data: T;
  failures: string[];
}

/** A scenario: runs once for one contender. */
export type Scenario<T> = (context: ScenarioContext) => Promise<Measured<T>>;

/** S3/S3e, a storm; `staleApiRequests`: those that reached the API with the dead token (answered 401). */
export type StormData = Record<'requests' | 'ok' | 'validateCalls' | 'reauthCalls' | 'staleApiRequests' | 'drainMs', number>;

/** S4, held requests; `sentWhileHeld`: API requests sent before the user reconnected (a correct client: 0). */
export type HeldData = Record<'held' | 'sentWhileHeld' | 'ok' | 'reauthCalls' | 'drainMs', number>;

/** S5, POST bodies across an expiry; `identical`: those echoed byte-identical. */
export type BodiesData = Record<'requests' | 'identical' | 'reauthCalls' | 'drainMs', number>;
