from django.shortcuts import render
from django.urls import include, path


def bare(request):
    """The floor: a Django view rendering a template, with the same middleware."""
    return render(request, "bench/bare.html", {"items": range(20)})


urlpatterns = [
    path("bench/bare/", bare),
    path("", include("config.urls")),
]
