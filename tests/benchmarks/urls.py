from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import include, path


def bare(request):
    """The floor: a Django view rendering a template, with the same middleware."""
    return render(request, "bench/bare.html", {"items": range(20)})


@login_required
def trivial(request):
    """The yardstick of the pages: a logged-in view (session and user, 2 queries)
    rendering a small template, with the same middleware."""
    return render(request, "bench/bare.html", {"items": range(20)})


urlpatterns = [
    path("bench/bare/", bare),
    path("bench/trivial/", trivial),
    path("", include("config.urls")),
]
