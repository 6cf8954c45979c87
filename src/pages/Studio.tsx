import { useState } from 'react';
import { CreditsBadge } from '../components/CreditsBadge.tsx';
import { GenerateForm } from '../components/GenerateForm.tsx';
import { ImageUpload } from '../components/ImageUpload.tsx';
import { ServicesHealthPanel } from '../components/ServicesHealthPanel.tsx';
import { WorkflowPanel } from '../components/WorkflowPanel.tsx';
import type { Generation } from '../lib/jewelry-generate-api.ts';

/**
 * The jewelry studio (`/`): prompt and Generate, credits, the running
 * workflow, services health and a reference image upload.
 */
export function Studio() {
  const [latest, setLatest] = useState<Generation | null>(null);
  return (
    <main className="studio">
      <div className="studio__title">
        <h1>Studio</h1>
        <CreditsBadge refreshKey={latest?.generation_id} />
      </div>
      <GenerateForm onStarted={setLatest} />
      <WorkflowPanel generation={latest} />
      <ImageUpload />
      <ServicesHealthPanel />
    </main>
  );
}
