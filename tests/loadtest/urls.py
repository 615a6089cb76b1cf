from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.urls import include, path
from django.views.decorators.http import require_POST


@login_required
@require_POST
def trivial_post(request):
    """The cheapest signed-in POST: session, user, CSRF check, a JSON answer."""
    return JsonResponse({"ok": True, "user": request.user.pk})


urlpatterns = [
    path("loadtest/trivial/", trivial_post),
    path("", include("config.urls")),
]
