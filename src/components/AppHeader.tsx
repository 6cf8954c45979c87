import { useAuth } from '../hooks/use-auth.ts';
import { Link } from './Link.tsx';

/**
 * The top bar: navigation, who is signed in, sign-out.
 *
 * @example
 * <AppHeader path={usePathname()} />
 */
export function AppHeader({ path }: { path: string }) {
  const { user, signOut } = useAuth();
  return (
    <header className="app-header">
      <strong className="brand">Quiet Session studio</strong>
      <nav aria-label="Main">
        <Link to="/" aria-current={path === '/' ? 'page' : undefined}>
          Studio
        </Link>
        <Link to="/admin/batches" aria-current={path === '/admin/batches' ? 'page' : undefined}>
          Admin batches
        </Link>
      </nav>
      <span className="user">{user ? user.name : ''}</span>
      <button type="button" className="link-button" onClick={signOut}>
        Sign out
      </button>
    </header>
  );
}
