from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Chinese first: the interface is in LANGUAGE_CODE unless the user picked another
    language with the switch in the footer (a cookie). The browser's Accept-Language is
    not consulted: an official on an English-language browser still gets Chinese."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.available = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.available else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # Only for this request: a thread that serves the next one (or runs a task
        # afterwards) must not keep the last user's language.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
