import { authFetch } from './auth-api.ts';
import { apiUrl } from './app-config.ts';
import { readJson } from './api-error.ts';

/** A generation workflow's status as Temporal reports it. */
export interface WorkflowStatus {
  workflow_id: string;
  status: 'RUNNING' | 'COMPLETED' | 'FAILED';
  /** 0..1 */
  progress: number;
  result?: { image_url: string };
}

/**
 * Polls one workflow's status.
 *
 * @example
 * const { status, result } = await getWorkflowStatus(generation.workflow_id, { signal });
 */
export async function getWorkflowStatus(workflowId: string, args: { signal?: AbortSignal } = {}): Promise<WorkflowStatus> {
  const url = apiUrl(`/api/workflows/${encodeURIComponent(workflowId)}/status`);
  return readJson<WorkflowStatus>(await authFetch(url, { signal: args.signal }), 'Checking the workflow');
}
