import { useRef } from 'react';
import { useAuth } from '../hooks/use-auth.ts';
import { useGoogleSignIn } from '../hooks/use-google-sign-in.ts';

/**
 * The signed-out page: one Google button, which opens the sign-in popup, and
 * a Try again while that popup reads closed, or while one begun before a
 * reload of the tab may still answer.
 */
export function SignIn() {
  const { signIn, signingIn, problem, hint } = useGoogleSignIn();
  const { popupHint } = useAuth();
  // A sign-in begun before a reload of this tab may still answer; its window is not this page's to see.
  const resumed = signingIn ? null : popupHint;
  const googleButton = useRef<HTMLButtonElement>(null);
  return (
    <main className="sign-in">
      <h1>Quiet Session studio</h1>
      <p>Design jewelry with generative models. Sign in to continue.</p>
      {/* Busy, it stays focusable (aria-disabled, a press ignored): a disabled button drops focus to the page. */}
      <button
        ref={googleButton}
        type="button"
        className="google-button"
        onClick={() => signingIn || signIn()}
        aria-disabled={signingIn || undefined}
      >
        {signingIn ? 'Signing in…' : 'Sign in with Google'}
      </button>
      {/* Mounted, empty until a hint, so that its line is read out when it comes: inserted with its text, it may not be. */}
      <div role="status">
        {hint || resumed ? (
          <p>
            Finish signing in in the Google window. Closed it, or cannot find it?{' '}
            {/* A new popup, opened inside this click; this page's sign-in under way goes on, a resumed one too. */}
            {/* Its line goes once a popup of this page's reads open: the focus goes to the busy button, not the page's top. */}
            <button
              type="button"
              className="link-button"
              onClick={() => {
                googleButton.current?.focus();
                if (hint) hint.reopen();
                else signIn();
              }}
            >
              Try again
            </button>
          </p>
        ) : null}
      </div>
      {/* An alert, as the banner's: inserted with its text, it is read out at once, again at each failure. */}
      {problem ? (
        <p role="alert" className="problem">
          {problem}
        </p>
      ) : null}
    </main>
  );
}
