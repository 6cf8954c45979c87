import { usePolling } from '../hooks/use-polling.ts';
import type { Generation } from '../lib/jewelry-generate-api.ts';
import { getWorkflowStatus } from '../lib/temporal-api.ts';

/**
 * The Temporal workflow of the latest generation, polled every second until
 * it completes, then its result.
 *
 * @example
 * <WorkflowPanel generation={latest} />
 */
export function WorkflowPanel({ generation }: { generation: Generation | null }) {
  const { data, error } = usePolling((signal) => getWorkflowStatus(generation?.workflow_id ?? '', { signal }), {
    intervalMs: 1_000,
    enabled: generation !== null,
    key: generation?.workflow_id,
    until: (status) => status.status !== 'RUNNING',
    // A design kept across reloads may name a workflow the backend has since forgotten.
    stopWhenGone: true,
  });
  return (
    <section className="panel" aria-labelledby="workflow-title">
      <h2 id="workflow-title">Workflow</h2>
      {!generation ? <p className="muted">Generate a design to start a workflow.</p> : null}
      {generation ? (
        <p>
          <code>{generation.workflow_id}</code> · “{generation.prompt}”
        </p>
      ) : null}
      {/* Mounted, so that running, completed and what went wrong are each read out; a status, not an alert: nothing flashes. */}
      <div role="status">
        {/* Polling stops with the generation (another account signed in): what went wrong with it goes too. */}
        {generation && error ? <p className="problem">{error}</p> : null}
        {/* FAILED (or finished with no image): polling has stopped, so say so rather than show nothing. */}
        {generation && data && data.status !== 'RUNNING' && !(data.status === 'COMPLETED' && data.result) ? (
          <p className="problem">The workflow failed: no design was made. Generate again to try once more.</p>
        ) : null}
        {generation && data?.status === 'RUNNING' ? <p>Running…</p> : null}
        {generation && data?.status === 'COMPLETED' && data.result ? (
          <figure className="result">
            <img src={data.result.image_url} alt={`Generated design: ${generation.prompt}`} width={160} height={160} />
            <figcaption>Completed</figcaption>
          </figure>
        ) : null}
      </div>
      {/* Outside the status: each poll's percent read out would be a second-by-second chatter. */}
      {generation && data?.status === 'RUNNING' ? (
        <p>
          <progress max={1} value={data.progress} aria-label="Workflow progress" /> {Math.round(data.progress * 100)}%
        </p>
      ) : null}
    </section>
  );
}
