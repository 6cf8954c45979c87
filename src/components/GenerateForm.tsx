import { useEffect, useRef, useState, type FormEvent } from 'react';
import { ApiError } from '../lib/api-error.ts';
import { describeProblem } from '../lib/problem-text.ts';
import { useAuth } from '../hooks/use-auth.ts';
import { useTabDraft } from '../hooks/use-tab-draft.ts';
import { generateJewelry, type Generation } from '../lib/jewelry-generate-api.ts';
import { QuietSessionError } from '../lib/session/index.ts';

const droppedText = 'The connection dropped before Generate got an answer: it may have started. Credits will say so once it is back.';
const unansweredText = 'Generate got no clear answer from the studio: it may have started. Credits will say so in a moment.';
const tooLongText = 'The prompt is too long. Shorten it, then press Generate again.';

/** A server's error but a 503 (not passed on) may come after FastAPI spent the credit. */
const answeredUnclearly = (error: unknown) => error instanceof ApiError && error.status >= 500 && error.status !== 503;

/** Refused for want of credits: the balance on screen may say some are left (spent elsewhere since it asked). */
const refusedForCredits = (error: unknown) => error instanceof ApiError && error.status === 402;

/** Longest part of a prompt a line quotes: enough to say which Generate, not the whole of a pasted text, read out. */
const quotedLength = 72;

/** `prompt` as a line quotes it: its start, cut between characters a reader sees (an emoji stays whole), and "…". */
function quote(prompt: string): string {
  const characters = Intl.Segmenter ? Array.from(new Intl.Segmenter().segment(prompt), (part) => part.segment) : Array.from(prompt);
  return characters.length <= quotedLength ? prompt : `${characters.slice(0, quotedLength).join('').trimEnd()}…`;
}

/** Words for a Generate that failed. */
function generateProblem(error: unknown): string | null {
  // Cut off on its way (fetch's TypeError): the backend may have started it, and "try again" would pay twice.
  if (error instanceof TypeError) return droppedText;
  if (answeredUnclearly(error)) return unansweredText;
  // Over the size any request may have (refused before the route, nothing spent): the prompt is all the body holds.
  if (error instanceof ApiError && error.status === 413) return tooLongText;
  return describeProblem(error);
}

/**
 * The prompt box and the Generate button. The draft is the user's: it is
 * never cleared, not on expiry, not after generating, and a reload of the
 * tab brings it back. With `askBeforeLeaving`, the browser asks before the
 * page is left while a Generate is held or out (a reload would drop it);
 * one dropped so (a reload, the studio left) is said when the form is back.
 * `onStarted` hears the account the Generate was sent as, who paid for it;
 * `onCreditsStale`, a Generate whose answer says the balance on screen may be wrong: one the server
 * failed but may have started (paid for), or one refused for want of credits (spent elsewhere); one cut
 * off by the network is the badge's own to ask about once the connection is back.
 *
 * @example
 * <GenerateForm onStarted={setLatest} onCreditsStale={askCreditsAgain} askBeforeLeaving />
 */
export function GenerateForm({
  onStarted,
  onCreditsStale,
  askBeforeLeaving = false,
}: {
  onStarted: (generation: Generation, account: string | null) => void;
  onCreditsStale?: () => void;
  askBeforeLeaving?: boolean;
}) {
  const { account: signedInAs, accountNow } = useAuth();
  const [prompt, setPrompt] = useTabDraft('studio.prompt', '');
  const [pending, setPending] = useState(false);
  // With the account it is about: Ada's "Out of credits" is not for Grace, who signed in since.
  const [problem, setProblem] = useState<{ account: string | null; text: string | null } | null>(null);
  // The Generate under way, kept for the tab. Here while none is pending, it was dropped with the page (a reload), unanswered.
  const [unanswered, setUnanswered] = useTabDraft<{ account: string | null; prompt: string } | null>('studio.unanswered', null);
  // Said into the status region once it is on the page: a live region that comes with its text (a reload) is not read out.
  const [regionShown, setRegionShown] = useState(false);
  useEffect(() => setRegionShown(true), []);
  const cutOff = regionShown && !pending && typeof unanswered?.prompt === 'string' && unanswered.account === signedInAs ? unanswered : null;
  // Leaving the studio gives up a Generate still held (expired, offline): sent later, its design would show nowhere.
  const mounted = useRef<AbortController | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    mounted.current = controller;
    return () => controller.abort();
  }, []);

  // A Generate held (offline, expired) lives in this page only: leaving or reloading would drop it, so the browser asks first.
  useEffect(() => {
    if (!pending || !askBeforeLeaving) return;
    const ask = (event: BeforeUnloadEvent) => {
      event.preventDefault();
      // What browsers before Chrome 119 read instead.
      event.returnValue = true;
    };
    addEventListener('beforeunload', ask);
    return () => removeEventListener('beforeunload', ask);
  }, [pending, askBeforeLeaving]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!prompt.trim() || pending) return;
    setPending(true);
    setProblem(null);
    // Read in the same turn as authFetch reads the token: the rendered account may be the one before another tab's sign-in.
    const account = accountNow();
    setUnanswered({ account, prompt });
    generateJewelry({ prompt }, { signal: mounted.current?.signal })
      .then(
        (generation) => onStarted(generation, account),
        // An answer is about the account it was sent as; a call the session did not send, news for whoever is here now.
        (error: unknown) => {
          setProblem({
            account: error instanceof QuietSessionError ? accountNow() : account,
            text: generateProblem(error),
          });
          // Its words send the user to Credits, or contradict it (spent in another tab): the balance must be asked now,
          // not at the next poll (offline: the badge asks once back).
          if (answeredUnclearly(error) || refusedForCredits(error)) onCreditsStale?.();
        },
      )
      // Answered: nothing to say after a reload. Left unanswered (the form gone), the stored copy stays, to be said.
      .finally(() => {
        setPending(false);
        setUnanswered(null);
      });
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
      {/* Mounted, empty while all is well, so that each failure is read out; a status, not an alert: nothing flashes. */}
      <div role="status" className="generate__problem">
        {problem?.text && problem.account === signedInAs ? <p className="problem">{problem.text}</p> : null}
        {/* Until the next Generate: what it says is about the last one. */}
        {cutOff ? (
          <p className="problem">
            {/* Held, it was never sent; out, it may have started: Credits tells which, and a second one would pay twice. */}
            Your Generate of “{quote(cutOff.prompt)}” was cut off before it got an answer: its design will not show here. If Credits did not
            go down, press Generate to try again.
          </p>
        ) : null}
      </div>
    </form>
  );
}
