import { authFetch } from './auth-api.ts';
import { apiUrl } from './app-config.ts';
import { readJson } from './api-error.ts';

/** One microservice's health. */
export interface ServiceHealth {
  name: string;
  version: string;
  status: 'up' | 'degraded' | 'down';
  latency_ms: number;
}

/** The health report of every microservice. */
export interface ServicesHealth {
  checked_at: string;
  services: ServiceHealth[];
}

/**
 * Loads the microservices' health.
 *
 * @example
 * const { services } = await getServicesHealth({ signal });
 */
export async function getServicesHealth(args: { signal?: AbortSignal } = {}): Promise<ServicesHealth> {
  return readJson<ServicesHealth>(await authFetch(apiUrl('/api/microservices/health'), { signal: args.signal }), 'Checking services');
}
