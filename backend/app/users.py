"""The app's users and how a Google identity becomes one.

An in-memory store, seeded with the mock backend's two accounts (src/mocks/mock-data.ts),
so that the app shows the same people on both backends. Replace it with your database.
"""

import hashlib
import threading
from dataclasses import asdict, dataclass
from typing import Dict, Optional

DEFAULT_ROLE = "member"


@dataclass(frozen=True)
class User:
    """What `/auth/me` answers, and what the access token carries."""

    id: str
    email: str
    name: str
    role: str

    def as_json(self) -> Dict[str, str]:
        return asdict(self)


SEEDED = (
    User(id="user-ada", email="ada@quiet.studio", name="Ada Lovelace", role="admin"),
    User(id="user-grace", email="grace@quiet.studio", name="Grace Hopper", role="member"),
)


def google_user_id(sub: str) -> str:
    """The id of the user made for a Google account: the same after a restart and on every worker.

    It is the access token's `sub`: a new one for the same person would read in the app as another
    account signing in (what was held given up) and hide the designs they had started.
    """
    return f"user-g{hashlib.sha256(sub.encode()).hexdigest()[:16]}"


class UserStore:
    """Users by id, and which Google account (its `sub`) is which user.

    A Google account is linked by its stable `sub`; the first time it signs in, by its
    verified email to a seeded user no Google account has claimed yet, else a new user with
    DEFAULT_ROLE is created. An address can pass to another Google account (a Workspace
    mailbox given to a new hire): by email alone it would take over the user of the
    account that had it. (Linking by email is safe only because the caller refuses
    unverified emails.)
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._by_id: Dict[str, User] = {user.id: user for user in SEEDED}
        self._by_google_sub: Dict[str, str] = {}

    def get(self, user_id: str) -> Optional[User]:
        return self._by_id.get(user_id)

    def for_google_identity(self, sub: str, email: str, name: str) -> User:
        with self._lock:
            linked = self._by_google_sub.get(sub)
            if linked is not None:
                return self._by_id[linked]
            user = next((u for u in SEEDED if u.email.lower() == email.lower()), None)
            if user is None or user.id in self._by_google_sub.values():
                user = User(id=google_user_id(sub), email=email, name=name or email, role=DEFAULT_ROLE)
                self._by_id[user.id] = user
            self._by_google_sub[sub] = user.id
            return user
