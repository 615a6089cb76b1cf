"""Conditions on the campaign's phase moves. Each lists, in Chinese, everything that
blocks the move: before a phase moves on, every case is either carried by it or named
here with the reason it blocks (`blocking_cases`), so no case is silently left behind.

The models are reached through the campaign's relations (cases, extensions,
categories): this module is imported by the model's own table."""

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.enums import EDITABLE_STATES, CampaignPhase, CaseState, phase_index
from applications.lifecycle import hooks
from workflow.conditions import Condition

P = CampaignPhase
S = CaseState

# Which case states block a move into a phase, from that phase on, and why. A case in
# any other state is carried: final, past the phase, or (unsubmitted with no window
# left) out of the selection.
_BLOCKING_FROM = (
    (P.EXPERT_REVIEW, S.SUBMITTED, gettext_lazy("待推荐单位初审")),
    (P.EXPERT_REVIEW, S.RECOMMENDED, gettext_lazy("已推荐，所在推荐排序表尚未报送省局")),
    (P.DECIDING, S.IN_EXPERT_REVIEW, gettext_lazy("专家评审尚未完成或尚未确认评审完成")),
    (P.PUBLIC_NOTICE, S.REVIEWED, gettext_lazy("尚未作出入选决定")),
)
# An unsubmitted case its unit may still submit (an extension runs) blocks these too.
_STILL_OPEN = gettext_lazy("申报单位的延期尚未到期，仍可提交")
# How many cases one message names before "等".
_NAMED = 10


def moment_text(moment) -> str:
    return date_format(timezone.localtime(moment), _("Y年n月j日 H:i"))


def blocking_states(target) -> dict[str, str]:
    """state -> why a case in it blocks a move into `target`."""
    index = phase_index(target)
    return {state: reason for phase, state, reason in _BLOCKING_FROM if index >= phase_index(phase)}


def blocking_cases(campaign, target, now=None) -> dict[int, str]:
    """case id -> why it blocks the campaign's move into `target`; the cases not named
    are carried by the move."""
    states = blocking_states(target)
    if not states:
        return {}
    found = {pk: str(states[state]) for pk, state in campaign.cases.filter(state__in=states).values_list("pk", "state")}
    now = now or timezone.now()
    running = campaign.extensions.filter(until__gt=now)
    unit_ids = set(running.exclude(organisation=None).values_list("organisation_id", flat=True))
    case_ids = set(running.exclude(case=None).values_list("case_id", flat=True))
    for pk, unit_id in campaign.cases.filter(state__in=EDITABLE_STATES).values_list("pk", "unit_id"):
        if unit_id in unit_ids or pk in case_ids:
            found[pk] = str(_STILL_OPEN)
    return found


def _case_messages(campaign, target) -> list[str]:
    blocking = blocking_cases(campaign, target)
    if not blocking:
        return []
    cases = campaign.cases.filter(pk__in=blocking).select_related("unit").order_by("authority_id", "unit_id", "pk")
    by_reason: dict[str, list] = {}
    for case in cases:
        by_reason.setdefault(blocking[case.pk], []).append(case)
    messages = []
    for reason, group in by_reason.items():
        names = "、".join(f"《{case.title}》（{case.unit.name}）" for case in group[:_NAMED])
        if len(group) > _NAMED:
            names += _("等")
        messages.append(
            _("%(count)d个案例%(reason)s：%(names)s。") % {"count": len(group), "reason": reason, "names": names}
        )
    return messages


def _cases_carried(target):
    def explain(campaign) -> list[str]:
        return _case_messages(campaign, target)

    return Condition(f"cases_carried_to_{target}", explain)


def _ready_to_open(campaign) -> list[str]:
    problems = []
    if timezone.now() >= campaign.submission_deadline:
        problems.append(
            _("申报截止时间（%(deadline)s）已过，请先修改截止时间。")
            % {"deadline": moment_text(campaign.submission_deadline)}
        )
    categories = list(campaign.categories.all())
    if not categories:
        problems.append(_("本次征集还没有征集类别。"))
    without_form = [category.name for category in categories if not category.schemas.exists()]
    if without_form:
        problems.append(_("以下类别还没有申请表：%(names)s。") % {"names": "、".join(without_form)})
    return problems


def _submission_deadline_passed(campaign) -> list[str]:
    if timezone.now() < campaign.submission_deadline:
        return [_("申报截止时间为%(deadline)s，尚未到期。") % {"deadline": moment_text(campaign.submission_deadline)}]
    return []


def _no_extension_running(campaign) -> list[str]:
    running = campaign.extensions.filter(until__gt=timezone.now()).select_related("organisation", "case__unit")
    return [
        _("%(whom)s的延期（至%(until)s）尚未到期。") % {"whom": extension.whom, "until": moment_text(extension.until)}
        for extension in running.order_by("until", "pk")
    ]


def _published(kind: str, message):
    def explain(campaign) -> list[str]:
        return [] if kind in hooks.published_kinds(campaign=campaign) else [str(message)]

    return explain


ready_to_open = Condition("ready_to_open", _ready_to_open)
submission_deadline_passed = Condition("submission_deadline_passed", _submission_deadline_passed)
no_extension_running = Condition("no_extension_running", _no_extension_running)
notice_published = Condition(
    "notice_published", _published("notice", gettext_lazy("公示尚未发布（在「公示与通报」页发布）。"))
)
announcement_published = Condition(
    "announcement_published",
    _published("announcement", gettext_lazy("通报尚未发布（公示期满后在「公示与通报」页发布）。")),
)
cases_carried_to = {phase: _cases_carried(phase) for phase in CampaignPhase}
