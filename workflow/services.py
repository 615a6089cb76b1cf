"""The one door through which a case changes state."""

from django.db import transaction
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from workflow.enums import CaseState
from workflow.exceptions import TransitionRefused
from workflow.graph import all_transitions
from workflow.models import SectionComment, TransitionRecord
from workflow.notifications import queue_transition_notifications
from workflow.rules import case_permissions_sync


def _lock(case_pk: int):
    from applications.models import Case

    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("campaign", "unit", "authority", "schema")
        .get(pk=case_pk)
    )


def content_snapshot(case) -> dict:
    return {"title": case.title, "header": case.header, "sections": case.sections, "figures": case.figures}


def refusal_reasons(*, case, action: str, actor) -> list[str]:
    """Why `actor` may not take `action` on `case` now; empty when they may.

    Checks, in order: the action exists, it leaves the current state, the actor holds
    its permission, and its conditions hold (every failing condition is reported).
    """
    transitions = all_transitions().get(action)
    if not transitions:
        return [_("未知的操作：%(action)s。") % {"action": action}]
    state = CaseState(case.state)
    edge = next((t for t in transitions if t.source == state), None)
    label = transitions[0].custom["label"]
    if edge is None:
        return [_("案例当前状态为「%(state)s」，不能执行「%(action)s」。") % {"state": state.label, "action": label}]
    if not edge.has_perm(case, actor):
        return [_("您无权对该案例执行「%(action)s」。") % {"action": label}]
    reasons = []
    for condition in edge.conditions:
        reasons += condition.explain(case)
    return reasons


def apply_transition(
    *, case, action: str, actor, comment: str = "", section_comments: dict[str, str] | None = None
) -> TransitionRecord:
    """Take `action` on `case` as `actor`, or raise TransitionRefused having changed nothing.

    `section_comments` (section key -> text) attach the reviewer's remarks to sections
    of the case's form; keys the form does not have are ignored.

    In one transaction: lock the case row, check the edge, the permission and the
    conditions, move the state, make the object permissions follow the new state,
    append the transition record; notifications go out only after commit.
    """
    comment = (comment or "").strip()
    with transaction.atomic():
        locked = _lock(case.pk)
        reasons = refusal_reasons(case=locked, action=action, actor=actor)
        if reasons:
            raise TransitionRefused(reasons)
        transition = next(t for t in all_transitions()[action] if t.source == locked.state)
        if transition.custom["comment_required"] and not comment:
            raise TransitionRefused(_("「%(action)s」需要填写意见或理由。") % {"action": transition.custom["label"]})

        from_state = locked.state
        try:
            getattr(locked, action)()
            locked.save(update_fields=["state", "updated_at"])
        except (TransitionNotAllowed, ConcurrentTransition):
            # Another request moved the case between our read and our write.
            raise TransitionRefused(_("该案例刚被他人处理，状态已变化，请刷新页面后查看。")) from None

        case_permissions_sync(case=locked)
        record = TransitionRecord.objects.create(
            case=locked,
            action=action,
            from_state=from_state,
            to_state=locked.state,
            actor=actor,
            organisation_id=getattr(actor, "organisation_id", None),
            comment=comment,
            snapshot=content_snapshot(locked) if transition.custom.get("snapshot") else None,
        )
        section_keys = {section["key"] for section in locked.schema.definition["sections"]}
        SectionComment.objects.bulk_create(
            SectionComment(record=record, section_key=key, text=text.strip())
            for key, text in (section_comments or {}).items()
            if key in section_keys and text and text.strip()
        )
        if transition.custom.get("effect"):
            import_string(transition.custom["effect"])(case=locked, record=record)
        queue_transition_notifications(record=record, parties=transition.custom["notify"])

    case.refresh_from_db()
    return record
