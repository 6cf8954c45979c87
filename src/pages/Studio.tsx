import { useState } from 'react';
import { CreditsBadge } from '../components/CreditsBadge.tsx';
import { GenerateForm } from '../components/GenerateForm.tsx';
import { ImageUpload } from '../components/ImageUpload.tsx';
import { ServicesHealthPanel } from '../components/ServicesHealthPanel.tsx';
import { WorkflowPanel } from '../components/WorkflowPanel.tsx';
import { useAuth } from '../hooks/use-auth.ts';
import { useTabDraft } from '../hooks/use-tab-draft.ts';
import { useTabNews } from '../hooks/use-tab-news.ts';
import { mocksEnabled } from '../lib/app-config.ts';
import type { Generation } from '../lib/jewelry-generate-api.ts';

/** A generation of the shape this version keeps: one kept by an older version of the app, across a reload, is none. */
const isGeneration = (kept: Partial<Generation> | null | undefined): kept is Generation =>
  typeof kept?.workflow_id === 'string' && typeof kept.prompt === 'string';

/**
 * The jewelry studio (`/`): prompt and Generate, credits, the running
 * workflow, services health and a reference image upload. Another account
 * signing in (a reconnect as someone else, another tab) keeps the prompt on
 * screen, but the last account's generation goes: its design is not theirs,
 * and its workflow is not polled as them. A reload of the tab brings the
 * generation back to its account, as it does the prompt. A balance in doubt here is in doubt in the
 * other tabs too: they ask again, a tab in the background once it is shown.
 */
export function Studio() {
  const { account } = useAuth();
  // The generation with the account that started it: never shown to, nor polled as, another. Paid for: a reload keeps it.
  const [started, setStarted] = useTabDraft<{ account: string | null; generation: Generation } | null>('studio.generation', null);
  const latest = started?.account === account && isGeneration(started.generation) ? started.generation : null;
  // Generates whose failure puts the balance on screen in doubt (paid for, or refused for want of credits): each asks Credits again.
  const [stale, setStale] = useState(0);
  // The other tabs' Credits shows the old balance until its next poll, 15 s on, which reads as "that Generate did not go".
  const credits = useTabNews('credits');
  return (
    <main className="studio">
      <div className="studio__title">
        <h1>Studio</h1>
        <CreditsBadge refreshKey={`${latest?.generation_id ?? ''}/${stale}/${credits.heard}`} />
      </div>
      {/* Not in the mock demo: msw's worker leaves this page on beforeunload, even when the user then stays. */}
      <GenerateForm
        onStarted={(generation, sentAs) => {
          setStarted({ account: sentAs, generation });
          credits.tell();
        }}
        onCreditsStale={() => {
          setStale((count) => count + 1);
          credits.tell();
        }}
        askBeforeLeaving={!mocksEnabled()}
      />
      <WorkflowPanel generation={latest} />
      <ImageUpload />
      <ServicesHealthPanel />
    </main>
  );
}
