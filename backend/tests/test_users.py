"""How a Google account becomes one of the app's users.

Run from backend/: /usr/bin/python3 -m unittest discover -s tests -t .
"""

import unittest

from app.users import UserStore


class GoogleAccountLinkingTest(unittest.TestCase):
    def test_links_a_seeded_user_by_verified_email_the_first_time_then_by_sub(self):
        users = UserStore()
        ada = users.for_google_identity("sub-ada", "Ada@Quiet.Studio", "Ada")
        self.assertEqual((ada.id, ada.role), ("user-ada", "admin"))
        self.assertEqual(users.for_google_identity("sub-ada", "ada.new@quiet.studio", "Ada").id, "user-ada")

    def test_gives_a_new_google_account_with_a_known_email_its_own_user(self):
        # An address can pass to another Google account (a Workspace mailbox given to a new hire):
        # the account is linked by its sub, and a user who signed in before is not handed over by email.
        users = UserStore()
        first = users.for_google_identity("sub-1", "sam@example.com", "Sam")
        second = users.for_google_identity("sub-2", "sam@example.com", "Sam")
        self.assertNotEqual(second.id, first.id)
        self.assertEqual(users.for_google_identity("sub-1", "sam@example.com", "Sam").id, first.id)

    def test_does_not_hand_a_seeded_user_linked_to_one_google_account_to_another(self):
        users = UserStore()
        self.assertEqual(users.for_google_identity("sub-ada", "ada@quiet.studio", "Ada").id, "user-ada")
        other = users.for_google_identity("sub-someone-else", "ada@quiet.studio", "Ada")
        self.assertNotEqual(other.id, "user-ada")
        self.assertEqual(other.role, "member")

    def test_gives_a_google_account_the_same_user_after_a_restart_or_on_another_worker(self):
        # The token names the user by id: a new id for the same person reads in the app as another account signing in.
        before, after = UserStore(), UserStore()
        sam = before.for_google_identity("sub-sam", "sam@example.com", "Sam")
        self.assertEqual(after.for_google_identity("sub-sam", "sam@example.com", "Sam").id, sam.id)


if __name__ == "__main__":
    unittest.main()
