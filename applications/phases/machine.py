"""The campaign's transition table: its phases and the province's moves between them.

The same engine as the case's (workflow.services.apply_transition, the transition
record, the graph): only the province's administrator moves a phase, and every move
has conditions that list what blocks it (applications/phases/conditions.py), so no case
is ever silently left behind. The case's own table consults the phase
(applications/lifecycle/conditions.py).
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts import roles
from applications.enums import FIRST_PHASE, CampaignPhase, Party
from applications.phases import conditions as c

P = CampaignPhase


def province_admin(instance, user) -> bool:
    """Only the province's administrator moves the campaign's phase."""
    return roles.is_province_admin(user)


def _meta(label, *, style="primary", comment_required=False):
    return {
        "label": label,
        "actor": Party.PROVINCE,
        "style": style,
        "comment_required": comment_required,
        "notify": (),
        "button": True,
        "snapshot": False,
        "effects": (),
    }


class CampaignPhaseMachine(ConcurrentTransitionMixin, models.Model):
    state = FSMField(_("阶段"), default=FIRST_PHASE, choices=P.choices, protected=True, db_index=True)

    class Meta:
        abstract = True

    def clean_fields(self, exclude=None):
        # The phase is protected (moved only by the engine): cleaning a campaign, on any
        # path (a clone, a settings section), validates it without re-setting it, which
        # django-fsm refuses once the row is loaded.
        super().clean_fields(exclude={*(exclude or ()), "state"})

    @property
    def phase(self) -> CampaignPhase:
        return CampaignPhase(self.state)

    @transition(
        field=state,
        source=P.PREPARING,
        target=P.COLLECTING,
        conditions=[c.ready_to_open],
        permission=province_admin,
        custom=_meta(pgettext_lazy("campaign action", "开始征集")),
    )
    def open_collection(self):
        pass

    @transition(
        field=state,
        source=P.COLLECTING,
        target=P.PRELIMINARY,
        conditions=[c.submission_deadline_passed],
        permission=province_admin,
        custom=_meta(pgettext_lazy("campaign action", "截止征集，进入初审排序")),
    )
    def close_collection(self):
        pass

    @transition(
        field=state,
        source=P.PRELIMINARY,
        target=P.EXPERT_REVIEW,
        conditions=[c.no_extension_running, c.cases_carried_to[P.EXPERT_REVIEW]],
        permission=province_admin,
        custom=_meta(pgettext_lazy("campaign action", "进入专家评审")),
    )
    def start_expert_review(self):
        pass

    @transition(
        field=state,
        source=P.EXPERT_REVIEW,
        target=P.DECIDING,
        conditions=[c.cases_carried_to[P.DECIDING]],
        permission=province_admin,
        custom=_meta(pgettext_lazy("campaign action", "进入结果审定")),
    )
    def start_decision(self):
        pass

    @transition(
        field=state,
        source=P.DECIDING,
        target=P.PUBLIC_NOTICE,
        conditions=[c.cases_carried_to[P.PUBLIC_NOTICE], c.notice_published],
        permission=province_admin,
        custom=_meta(pgettext_lazy("campaign action", "进入公示")),
    )
    def start_public_notice(self):
        pass

    @transition(
        field=state,
        source=P.PUBLIC_NOTICE,
        target=P.ANNOUNCED,
        conditions=[c.cases_carried_to[P.ANNOUNCED], c.announcement_published],
        permission=province_admin,
        custom=_meta(pgettext_lazy("campaign action", "进入通报")),
    )
    def announce(self):
        pass

    @transition(
        field=state,
        source=P.ANNOUNCED,
        target=P.NRTA,
        conditions=[c.cases_carried_to[P.NRTA]],
        permission=province_admin,
        custom=_meta(pgettext_lazy("campaign action", "进入推荐总局")),
    )
    def start_nrta(self):
        pass

    @transition(
        field=state,
        source=P.NRTA,
        target=P.ARCHIVED,
        conditions=[c.cases_carried_to[P.ARCHIVED]],
        permission=province_admin,
        custom=_meta(pgettext_lazy("campaign action", "归档"), style="secondary", comment_required=False),
    )
    def archive(self):
        pass
