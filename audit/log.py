from django.db import connection, transaction
from django.utils import timezone

from audit.chain import GENESIS, jsonable, record_hash
from audit.context import client_address, current_request
from audit.models import AuditRecord, Result


def _serialise_writers() -> None:
    # Two writers must not both take the same next seq. SQLite serialises writers already
    # (transaction_mode IMMEDIATE); PostgreSQL takes a lock held to the transaction's end.
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(7310021)")


def _object_fields(obj) -> tuple[str, str, str]:
    if obj is None:
        return "", "", ""
    if isinstance(obj, str):
        return "", "", obj[:200]
    if isinstance(obj, tuple):  # (type, id, text) of something that is not a model instance
        object_type, object_id, text = obj
        return str(object_type)[:60], str(object_id)[:64], str(text)[:200]
    meta = getattr(obj, "_meta", None)
    object_type = meta.label_lower if meta is not None else type(obj).__name__
    return object_type[:60], str(getattr(obj, "pk", "") or "")[:64], str(obj)[:200]


def record(*, actor, action: str, obj, result: str, request, actor_name: str, details: dict) -> AuditRecord:
    request = request if request is not None else current_request.get()
    if actor is None and request is not None:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            actor = user
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    object_type, object_id, object_repr = _object_fields(obj)
    with transaction.atomic():
        _serialise_writers()
        last = AuditRecord.objects.order_by("-seq").only("seq", "hash").first()
        entry = AuditRecord(
            seq=(last.seq + 1) if last else 1,
            at=timezone.now(),
            actor_id=actor.pk if actor is not None else None,
            actor_name=(actor.get_username() if actor is not None else actor_name)[:150],
            action=action,
            result=Result(result),
            object_type=object_type,
            object_id=object_id,
            object_repr=object_repr,
            address=client_address(request),
            details=jsonable(details),
            prev_hash=last.hash if last else GENESIS,
        )
        entry.hash = record_hash(entry)
        entry.save(force_insert=True)
    return entry
