"""The security audit log. Every app records into it with one call:

    import audit
    audit.record(actor=request.user, action="ranking.changed", obj=table, request=request, moved=3)

It sits at the bottom of the layers (beside core), so any app may call it; it imports
no app of ours."""


def record(*, actor=None, action: str, obj=None, result: str = "ok", request=None, actor_name: str = "", **details):
    """Append one record: time, subject (`actor`, else the signed-in user of `request` or
    of the request being served), object, action, result, address and `details` (any
    JSON-able keyword arguments). Runs in the caller's transaction: work rolled back
    leaves no record of having been done."""
    from audit.log import record as _record

    return _record(
        actor=actor, action=action, obj=obj, result=result, request=request, actor_name=actor_name, details=details
    )
