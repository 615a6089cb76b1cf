"""The one door through which any registered subject changes state."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import ConcurrentTransition, TransitionNotAllowed

from core.text import normalise_prose
from workflow.conditions import HasObjectPermission, explained
from workflow.exceptions import TransitionRefused
from workflow.graph import state_label, transition_for, transitions_of
from workflow.machines import machine_for
from workflow.models import SectionComment, TransitionRecord
from workflow.permissions import object_permissions, permissions_sync


def _has_permission(transition, subject, actor, perms: set[str] | None) -> bool:
    permission = transition.permission
    if perms is not None and isinstance(permission, HasObjectPermission):
        return permission.granted(actor, perms)
    return transition.has_perm(subject, actor)


def refusal_reasons(*, subject, action: str, actor, perms: set[str] | None = None) -> list[str]:
    """Why `actor` may not take `action` on `subject` now; empty when they may.

    Checks, in order: the action exists, it leaves the current state, the actor holds
    its permission, and its conditions hold (every failing condition is reported).
    `perms`, when given, are the actor's object permissions on the subject, already read.
    """
    model = type(subject)
    machine = machine_for(model)
    found = transitions_of(model).get(action)
    if not found:
        return [_("未知的操作：%(action)s。") % {"action": action}]
    label = found[0].custom["label"]
    transition = transition_for(model, action, subject.state)
    if transition is None:
        return [
            _("%(noun)s当前状态为「%(state)s」，不能执行「%(action)s」。")
            % {"noun": machine.noun, "state": state_label(model, subject.state), "action": label}
        ]
    if not _has_permission(transition, subject, actor, perms):
        return [_("您无权对该%(noun)s执行「%(action)s」。") % {"noun": machine.noun, "action": label}]
    reasons = []
    for condition in transition.conditions:
        reasons += condition.explain(subject)
    return reasons


def available_actions(*, subject, user, perms: set[str] | None = None) -> list[dict]:
    """The buttons of a subject's page: the transitions leaving its state that `user`
    holds the permission for, with the reasons a condition still blocks each (empty when
    it can be taken now). One permission query for all of them, none when the page has
    read `perms` (object_permissions) already."""
    if perms is None:
        perms = object_permissions(user=user, subject=subject)
    result = []
    with explained(subject):
        for action in transitions_of(type(subject)):
            transition = transition_for(type(subject), action, subject.state)
            if transition is None or not transition.custom["button"]:
                continue
            if not _has_permission(transition, subject, user, perms):
                continue
            result.append(
                {
                    "action": action,
                    "label": transition.custom["label"],
                    "style": transition.custom["style"],
                    "comment_required": transition.custom["comment_required"],
                    "confirm": transition.custom.get("confirm", ""),
                    "blocked_by": refusal_reasons(subject=subject, action=action, actor=user, perms=perms),
                }
            )
    return result


# The most characters a comment (and each remark on a part) may have: stated beside the
# field, refused above it, never cut.
COMMENT_MAX_LENGTH = 2000


def apply_transition(
    *, subject, action: str, actor, comment: str = "", section_comments: dict[str, str] | None = None
) -> TransitionRecord:
    """Take `action` on `subject` as `actor`, or raise TransitionRefused having changed nothing.

    `section_comments` (part key -> text) attach the reviewer's remarks to parts of the
    subject (the sections of a case's form); keys the subject does not have are ignored.

    In one transaction: lock the row, check the edge, the permission and the conditions
    (each once), move the state, make the object permissions follow the new state,
    append the transition record, run the transition's effects; notifications go out
    only after commit.
    """
    machine = machine_for(subject)
    try:
        # Typed by a person: the site's one normalisation (core.text), NUL refused.
        comment = normalise_prose(comment or "").strip()
        section_comments = {key: normalise_prose(text) for key, text in (section_comments or {}).items()}
    except ValidationError as invalid:
        raise TransitionRefused(invalid.messages) from None
    too_long = [
        _("%(what)s不能超过%(limit)d字（当前%(count)d字）。")
        % {"what": what, "limit": COMMENT_MAX_LENGTH, "count": len(text)}
        for what, text in [(_("意见"), comment), *((_("分部分修改意见"), t) for t in section_comments.values())]
        if len(text) > COMMENT_MAX_LENGTH
    ]
    if too_long:
        raise TransitionRefused(too_long)
    with transaction.atomic():
        locked = (
            machine.model._default_manager.select_for_update(of=("self",))
            .select_related(*machine.lock_related)
            .get(pk=subject.pk)
        )
        with explained(locked):
            reasons = refusal_reasons(subject=locked, action=action, actor=actor)
            if reasons:
                raise TransitionRefused(reasons)
            transition = transition_for(machine.model, action, locked.state)
            meta = transition.custom
            if meta["comment_required"] and not comment:
                raise TransitionRefused(_("「%(action)s」需要填写意见或理由。") % {"action": meta["label"]})
            from_state = locked.state
            try:
                getattr(locked, action)()
                locked.save(update_fields=["state", "updated_at"])
            except (TransitionNotAllowed, ConcurrentTransition):
                # Another request moved the subject between our read and our write.
                raise TransitionRefused(
                    _("该%(noun)s刚被他人处理，状态已变化，请刷新页面后查看。") % {"noun": machine.noun}
                ) from None

        permissions_sync(subjects=[locked])
        record = TransitionRecord.objects.create(
            **{machine.record_field: locked},
            action=action,
            from_state=from_state,
            to_state=locked.state,
            actor=actor,
            organisation_id=getattr(actor, "organisation_id", None),
            comment=comment,
            snapshot=machine.snapshot(locked) if meta.get("snapshot") and machine.snapshot else None,
        )
        keys = machine.comment_keys(locked) if machine.comment_keys else set()
        SectionComment.objects.bulk_create(
            SectionComment(record=record, section_key=key, text=text.strip())
            for key, text in section_comments.items()
            if key in keys and text.strip()
        )
        for effect in meta.get("effects", ()):
            effect(subject=locked, record=record)
        if meta.get("notify") and machine.notify:
            machine.notify(record=record, parties=meta["notify"])

    subject.refresh_from_db()
    return record
