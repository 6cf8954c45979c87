import { useEffect, useRef, useState, type FormEvent } from 'react';
import { describeProblem } from '../lib/problem-text.ts';
import { useTabDraft } from '../hooks/use-tab-draft.ts';
import { generateJewelry, type Generation } from '../lib/jewelry-generate-api.ts';

/**
 * The prompt box and the Generate button. The draft is the user's: it is
 * never cleared, not on expiry, not after generating, and a reload of the
 * tab brings it back.
 *
 * @example
 * <GenerateForm onStarted={setLatest} />
 */
export function GenerateForm({ onStarted }: { onStarted: (generation: Generation) => void }) {
  const [prompt, setPrompt] = useTabDraft('studio.prompt', '');
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  // Leaving the studio gives up a Generate still held (expired, offline): sent later, its design would show nowhere.
  const mounted = useRef<AbortController | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    mounted.current = controller;
    return () => controller.abort();
  }, []);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!prompt.trim() || pending) return;
    setPending(true);
    setProblem(null);
    generateJewelry({ prompt }, { signal: mounted.current?.signal })
      .then(onStarted, (error: unknown) => setProblem(describeProblem(error)))
      .finally(() => setPending(false));
  };

  return (
    <form className="panel generate" onSubmit={submit}>
      <label htmlFor="prompt">Prompt</label>
      <textarea
        id="prompt"
        rows={3}
        value={prompt}
        placeholder="A rose-gold ring with a pear-cut sapphire…"
        onChange={(event) => setPrompt(event.target.value)}
      />
      {/* Pending, it stays focusable (aria-disabled; submit ignores it): a disabled button drops focus to the page. */}
      <button type="submit" disabled={!prompt.trim()} aria-disabled={pending || undefined}>
        {pending ? 'Generating…' : 'Generate'}
      </button>
      {problem ? <p className="problem">{problem}</p> : null}
    </form>
  );
}
