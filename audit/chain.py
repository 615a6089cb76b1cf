"""The hash chain: each record's hash is an HMAC (keyed by settings.AUDIT_CHAIN_KEY) of
the previous record's hash and the record's own fields, so removing, altering or
re-ordering a record breaks every link after it, and rewriting the chain needs the key,
which the database does not hold."""

import hashlib
import hmac
import json
from datetime import UTC

from django.conf import settings

GENESIS = "0" * 64


def canonical(record) -> bytes:
    at = record.at.astimezone(UTC).isoformat(timespec="microseconds")
    fields = [
        record.seq,
        at,
        record.actor_id,
        record.actor_name,
        record.action,
        record.result,
        record.object_type,
        record.object_id,
        record.object_repr,
        record.address,
        record.details,
    ]
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def record_hash(record) -> str:
    key = settings.AUDIT_CHAIN_KEY.encode()
    return hmac.new(key, record.prev_hash.encode() + canonical(record), hashlib.sha256).hexdigest()


def jsonable(details: dict) -> dict:
    """`details` as the JSON column will give it back (tuples as lists, dates as text),
    so that the hash computed before saving equals the one computed after reading."""
    return json.loads(json.dumps(details, ensure_ascii=False, default=str, sort_keys=True))
