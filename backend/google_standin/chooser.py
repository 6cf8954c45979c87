"""The stand-in's HTML: the account chooser and its error page."""

from html import escape
from typing import Dict, Iterable


def chooser_page(fields: Dict[str, str], accounts: Iterable[dict]) -> str:
    """One `<button>` per account, and Cancel. The request's parameters ride along in hidden fields."""
    hidden = "".join(f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">' for k, v in fields.items())
    # Named by the words shown (voice control says them, WCAG 2.5.3): "Continue as" read out only, the address the description.
    buttons = "".join(
        f'<button type="submit" name="account" value="{escape(a["key"])}" aria-describedby="email-{escape(a["key"])}">'
        f'<span class="visually-hidden">Continue as </span>{escape(a["name"])}<br>'
        f'<small id="email-{escape(a["key"])}" aria-hidden="true">{escape(a["email"])}</small></button>'
        for a in accounts
    )
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Sign in - Google Accounts (stand-in)</title>
<style>body{{font:16px system-ui;max-width:26rem;margin:3rem auto}}button{{display:block;width:100%;margin:.5rem 0;
padding:.75rem;text-align:left;font:inherit}}
.visually-hidden{{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}}</style></head>
<body><p><small>Stand-in Google: plays Google sign-in for development and tests</small></p>
<h1>Choose an account</h1>
<form method="post">{hidden}{buttons}<button type="submit" name="cancel" value="1">Cancel</button></form>
</body></html>"""


def error_page(error: str, description: str) -> str:
    """What Google shows when it will not redirect back: the request names a client or redirect_uri it does not know."""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Error 400: {escape(error)}</title></head>
<body><h1>Error 400: {escape(error)}</h1><p>{escape(description)}</p></body></html>"""
