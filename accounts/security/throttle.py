"""A fixed-window limit on the public forms (sign-in, registration, password reset) per
client address, kept in Django's cache (per process with the default local-memory cache;
a shared cache in production counts across processes)."""

import time

from django.core.cache import cache

from audit.context import client_address


def over_limit(request, *, scope: str, limit: int, window_seconds: int) -> bool:
    """Counts this request; True when the address has made more than `limit` in the
    current window of `scope`."""
    window = int(time.time()) // window_seconds
    key = f"throttle:{scope}:{client_address(request)}:{window}"
    cache.add(key, 0, timeout=window_seconds + 5)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window_seconds + 5)
        count = 1
    return count > limit
