import { useState } from 'react';
import { CreditsBadge } from '../components/CreditsBadge.tsx';
import { GenerateForm } from '../components/GenerateForm.tsx';
import { ImageUpload } from '../components/ImageUpload.tsx';
import { ServicesHealthPanel } from '../components/ServicesHealthPanel.tsx';
import { WorkflowPanel } from '../components/WorkflowPanel.tsx';
import { useAuth } from '../hooks/use-auth.ts';
import { mocksEnabled } from '../lib/app-config.ts';
import type { Generation } from '../lib/jewelry-generate-api.ts';

/**
 * The jewelry studio (`/`): prompt and Generate, credits, the running
 * workflow, services health and a reference image upload. Another account
 * signing in (a reconnect as someone else, another tab) keeps the prompt on
 * screen, but the last account's generation goes: its design is not theirs,
 * and its workflow is not polled as them.
 */
export function Studio() {
  const { account } = useAuth();
  // The generation with the account that started it: never shown to, nor polled as, another.
  const [started, setStarted] = useState<{ account: string | null; generation: Generation } | null>(null);
  const latest = started?.account === account ? started.generation : null;
  return (
    <main className="studio">
      <div className="studio__title">
        <h1>Studio</h1>
        <CreditsBadge refreshKey={latest?.generation_id} />
      </div>
      {/* Not in the mock demo: msw's worker leaves this page on beforeunload, even when the user then stays. */}
      <GenerateForm onStarted={(generation) => setStarted({ account, generation })} askBeforeLeaving={!mocksEnabled()} />
      <WorkflowPanel generation={latest} />
      <ImageUpload />
      <ServicesHealthPanel />
    </main>
  );
}
