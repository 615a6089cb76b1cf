"""A confirmation before an irreversible action, with or without JavaScript.

A form whose button cannot be undone carries hidden fields (templates/includes/
confirm_fields.html): `_confirm` (the consequence, in the page's language), and
optionally `_confirm_button`, `_confirm_style` and `_confirm_when` (the name of the
submit button that needs the confirmation when a form has several).

With JavaScript (static/js/confirm.js) a native <dialog> states the consequence and the
form is sent with `_confirmed=1` once the person agrees. Without it the post reaches this
middleware, which answers with a page stating the same consequence and carrying the
posted fields to the real button; nothing is done until that button is pressed.

The view behind the form decides as always; the confirmation only stands between the
person and the request. Posts without `_confirm` (other clients, tests) pass through.
"""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme

CONFIRM_FIELDS = {"_confirm", "_confirm_button", "_confirm_style", "_confirm_when", "_confirmed"}
_STYLES = {"primary", "danger", "secondary", "success"}


def _needs_confirmation(request) -> bool:
    post = request.POST
    if not post.get("_confirm") or post.get("_confirmed") or request.FILES:
        return False
    when = post.get("_confirm_when")
    return not when or when in post


class ConfirmIrreversibleMiddleware:
    """Placed after CsrfViewMiddleware and AuthenticationMiddleware: a forged post never
    reaches the page, and an anonymous one goes on to the view (which sends it to sign in)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method != "POST" or not request.user.is_authenticated:
            return None
        if not _needs_confirmation(request):
            return None
        post = request.POST
        fields = [
            (name, value)
            for name, values in post.lists()
            if name not in CONFIRM_FIELDS and name != "csrfmiddlewaretoken"
            for value in values
        ]
        back = request.headers.get("referer", "")
        if not url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
            back = ""
        style = post.get("_confirm_style", "primary")
        return render(
            request,
            "core/confirm.html",
            {
                "consequence": post["_confirm"],
                "button": post.get("_confirm_button", ""),
                "style": style if style in _STYLES else "primary",
                "target": request.get_full_path(),
                "fields": fields,
                "back": back,
            },
        )
