import { useGoogleSignIn } from '../hooks/use-google-sign-in.ts';

/**
 * The signed-out page: one Google button, which opens the sign-in popup.
 *
 * @example
 * {signedIn ? <Studio /> : <SignIn />}
 */
export function SignIn() {
  const { signIn, signingIn, problem } = useGoogleSignIn();
  return (
    <main className="sign-in">
      <h1>Quiet Session studio</h1>
      <p>Design jewelry with generative models. Sign in to continue.</p>
      <button type="button" className="google-button" onClick={signIn} disabled={signingIn}>
        {signingIn ? 'Signing in…' : 'Sign in with Google'}
      </button>
      {problem ? <p className="problem">{problem}</p> : null}
    </main>
  );
}
