import { useAuth } from '../hooks/use-auth.ts';
import { Link } from './Link.tsx';

/**
 * The top bar: navigation (the admins' page for admins), who is signed in, sign-out.
 *
 * @example
 * <AppHeader path={usePathname()} />
 */
export function AppHeader({ path }: { path: string }) {
  const { user, tokenName, signOut } = useAuth();
  // The backend lets only admins see the batches: a member's click would only read "Admins only". Shown while the role is unknown.
  const mayAdminister = user === null || user.role === 'admin';
  return (
    <header className="app-header">
      <strong className="brand">Quiet Session studio</strong>
      <nav aria-label="Main">
        <Link to="/" aria-current={path === '/' ? 'page' : undefined}>
          Studio
        </Link>
        {mayAdminister ? (
          <Link to="/admin/batches" aria-current={path === '/admin/batches' ? 'page' : undefined}>
            Admin batches
          </Link>
        ) : null}
      </nav>
      {/* Before the profile (a reload offline before it came), the token's own word for who this is: never an empty slot. */}
      <span className="user">{user ? user.name : (tokenName ?? 'Signed in')}</span>
      <button type="button" className="link-button" onClick={signOut}>
        Sign out
      </button>
    </header>
  );
}
