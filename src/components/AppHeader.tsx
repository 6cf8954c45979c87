import { useRef } from 'react';
import { useAuth } from '../hooks/use-auth.ts';
import { useFocusWhenGone } from '../hooks/use-focus-when-gone.ts';
import { Link } from './Link.tsx';

/**
 * The top bar: navigation (the admins' page for admins), who is signed in, sign-out.
 *
 * @example
 * <AppHeader path={usePathname()} />
 */
export function AppHeader({ path }: { path: string }) {
  const { user, tokenName, signOut } = useAuth();
  // The backend lets only admins see the batches: a member's click would only read "Admins only". None until the profile says admin.
  const mayAdminister = user?.role === 'admin';
  const studioLink = useRef<HTMLAnchorElement>(null);
  // Gone from under the keyboard (the profile says member now, another account signed in): it stays in the nav.
  useFocusWhenGone(mayAdminister, () => studioLink.current);
  return (
    <header className="app-header">
      <strong className="brand">Quiet Session studio</strong>
      <nav aria-label="Main">
        <Link ref={studioLink} to="/" aria-current={path === '/' ? 'page' : undefined}>
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
