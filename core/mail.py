"""The one mailer. A notification module says who hears of what; this says how:

    queue_after_commit(send_something, thing_id=…)     in the service, inside its transaction
    @task() def send_something(*, thing_id): …         the notification's task, which calls
        send_templated_mail(recipients=…, template="app/email/something", context=…)

Mail goes out only once the transaction commits (nobody hears of a change that was
rolled back), from a background task (a slow mail server never holds up a page), one
message per address (recipients do not see each other), each address once.
"""

from collections.abc import Iterable

from django.conf import settings
from django.core.mail import send_mass_mail
from django.db import transaction
from django.template.loader import render_to_string


def queue_after_commit(task, **arguments) -> None:
    """Enqueue the django-tasks `task` with `arguments` (ids, not objects: the task
    loads what it needs) once the current transaction commits; at once outside one."""
    transaction.on_commit(lambda: task.enqueue(**arguments))


def active_addresses(users) -> list[str]:
    """The addresses of the active people among `users` (a queryset of users), in the
    order they joined, without blanks or repeats."""
    return unique_addresses(
        users.filter(is_active=True).exclude(email="").order_by("id").values_list("email", flat=True)
    )


def unique_addresses(addresses: Iterable[str]) -> list[str]:
    """`addresses` without blanks and without repeats (ignoring case, as mail servers
    do), the first spelling of each kept, in order."""
    seen: dict[str, str] = {}
    for address in addresses:
        address = (address or "").strip()
        if address:
            seen.setdefault(address.casefold(), address)
    return list(seen.values())


def render_templated_mail(*, template: str, context: dict) -> tuple[str, str]:
    """The subject (made one line) and body of `<template>_subject.txt` and
    `<template>_body.txt` rendered with `context`."""
    subject = " ".join(render_to_string(f"{template}_subject.txt", context).split())
    return subject, render_to_string(f"{template}_body.txt", context)


def send_message(*, recipients: Iterable[str], subject: str, body: str) -> int:
    """Send `subject` and `body` to each of `recipients` once, one message per address.
    Returns the number sent."""
    addresses = unique_addresses(recipients)
    if not addresses:
        return 0
    subject = " ".join(subject.split())
    messages = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for address in addresses]
    return send_mass_mail(messages, fail_silently=False)


def send_templated_mail(*, recipients: Iterable[str], template: str, context: dict) -> int:
    """Render `<template>_subject.txt` (made one line) and `<template>_body.txt` with
    `context` and send them to each of `recipients` once. Returns the number sent.
    (Mail to people with an account goes through accounts.inbox.notify, which also
    keeps the message in their inbox.)"""
    addresses = unique_addresses(recipients)
    if not addresses:
        return 0
    subject, body = render_templated_mail(template=template, context=context)
    return send_message(recipients=addresses, subject=subject, body=body)
