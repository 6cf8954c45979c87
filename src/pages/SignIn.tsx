import { useAuth } from '../hooks/use-auth.ts';

/**
 * The signed-out page: one Google button, which opens the sign-in popup.
 *
 * @example
 * {signedIn ? <Studio /> : <SignIn />}
 */
export function SignIn() {
  const { signIn, signingIn, signInProblem } = useAuth();
  return (
    <main className="sign-in">
      <h1>Quiet Session studio</h1>
      <p>Design jewelry with generative models. Sign in to continue.</p>
      <button type="button" className="google-button" onClick={signIn} disabled={signingIn}>
        {signingIn ? 'Signing in…' : 'Sign in with Google'}
      </button>
      {signInProblem ? <p className="problem">{signInProblem}</p> : null}
    </main>
  );
}
