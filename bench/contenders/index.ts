import { authFetchContender } from './auth-fetch.ts';
import { axiosAuthRefresh } from './axios-refresh.ts';
import type { ContenderFactory } from './contender.ts';
import { fetchMutex } from './fetch-mutex.ts';
import { kyRefresh } from './ky-refresh.ts';
import { nativeFetch } from './native.ts';

export type { Contender, ContenderFactory, ContenderSetup, Outcome } from './contender.ts';
export { settle } from './contender.ts';
export { createBenchAuth, createTokenStore } from './shared.ts';

/**
 * Every contender, the floor first. The order is only the table's: rounds
 * rotate it so that no contender always runs on a warm (or cold) process.
 *
 * @example
 * for (const factory of contenders) console.log(factory.name);
 */
export const contenders: readonly ContenderFactory[] = [
  nativeFetch,
  authFetchContender,
  axiosAuthRefresh,
  kyRefresh,
  fetchMutex,
];
