import { useAuth } from '../hooks/use-auth.ts';
import { useDocumentTitle } from '../hooks/use-document-title.ts';
import { useFocusNewPage } from '../hooks/use-focus-new-page.ts';
import { usePathname } from '../hooks/use-pathname.ts';
import { AdminBatches } from '../pages/AdminBatches.tsx';
import { SignIn } from '../pages/SignIn.tsx';
import { Studio } from '../pages/Studio.tsx';
import { AppHeader } from './AppHeader.tsx';
import { Link } from './Link.tsx';

/**
 * Signed out: the sign-in page. Signed in (expired or not): the header and
 * the page for the current path. Expiry never lands here: the page stays.
 * The title names the page; from the keyboard, signing in or out or following
 * a link takes focus to the new page's heading. Renders under an AuthProvider.
 */
export function AppShell() {
  const { signedIn } = useAuth();
  const path = usePathname();
  useFocusNewPage(signedIn ? path : null);
  useDocumentTitle(!signedIn ? 'Sign in' : path === '/' ? 'Studio' : path === '/admin/batches' ? 'Batches' : 'Not found');
  if (!signedIn) return <SignIn />;
  return (
    <>
      <AppHeader path={path} />
      {path === '/' ? <Studio /> : null}
      {path === '/admin/batches' ? <AdminBatches /> : null}
      {path !== '/' && path !== '/admin/batches' ? (
        <main>
          <h1>Not found</h1>
          <p>
            Nothing lives at <code>{path}</code>. <Link to="/">Back to the studio</Link>
          </p>
        </main>
      ) : null}
    </>
  );
}
