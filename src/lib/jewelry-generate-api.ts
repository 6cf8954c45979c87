import { authFetch } from './auth-api.ts';
import { apiUrl } from './app-config.ts';
import { readJson } from './api-error.ts';

/** A started generation: its Temporal workflow runs the model. */
export interface Generation {
  generation_id: string;
  workflow_id: string;
  prompt: string;
  credits_remaining: number;
}

/**
 * Starts a jewelry generation from a prompt (costs one credit). The JSON body
 * is replayed intact if the session has to be reconnected first.
 *
 * @example
 * const { workflow_id } = await generateJewelry({ prompt: 'a sapphire ring' });
 */
export async function generateJewelry(request: { prompt: string }, args: { signal?: AbortSignal } = {}): Promise<Generation> {
  const response = await authFetch(apiUrl('/api/jewelry/generate'), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: request.prompt }),
    signal: args.signal,
  });
  return readJson<Generation>(response, 'Generating');
}
