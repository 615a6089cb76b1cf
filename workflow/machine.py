"""The case state machine: the one table of which moves exist, who may make them and
under which conditions. Nothing else assigns a state; workflow.services.apply_transition
is the one door through which these methods are called.

Each transition's `custom` says how it looks and behaves around the edge:
  label            the button and log text (in the "case action" context, because
                   "不予推荐" names a state and is also a button)
  actor            the party that takes it (for the documentation graph)
  comment_required a reason must accompany it (return, reject, …)
  notify           parties told by email once it is committed
  style            the button's look: primary, danger or secondary
  button           shown on the case page; False for moves another service takes
                   for many cases at once (a ranking table's submission or return)
  snapshot         keep a copy of the content with the record (what was submitted),
                   so a reviewer can see what changed between two submissions
  effect           "module.function" called with (case=, record=) inside the
                   transition's transaction: what else must change with the state
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from workflow import conditions as c
from workflow.enums import CaseState, Party

S = CaseState


class HasCasePermission:
    """A transition permission: the actor holds this object permission on the case.

    Object permissions follow the case's state (workflow/rules.py), so this one check
    covers both "who" (the organisation's group) and "when" (the state grants it).
    """

    def __init__(self, codename: str):
        self.codename = codename

    def __call__(self, case, user) -> bool:
        # Only members of an active organisation act on cases: a superuser outside every
        # organisation is not a party to any case, whatever Django would let it do.
        organisation = getattr(user, "organisation", None)
        if not (user.is_active and organisation is not None and organisation.is_active):
            return False
        return user.has_perm(f"applications.{self.codename}", case)

    def __repr__(self) -> str:
        return f"<HasCasePermission {self.codename}>"


can_submit = HasCasePermission("submit_case")
can_withdraw = HasCasePermission("withdraw_case")
can_review = HasCasePermission("review_case")
can_decide = HasCasePermission("decide_case")


def _meta(
    label, actor, *, style="primary", comment_required=False, notify=(), button=True, snapshot=False, effect=None
):
    return {
        "label": label,
        "actor": actor,
        "style": style,
        "comment_required": comment_required,
        "notify": tuple(notify),
        "button": button,
        "snapshot": snapshot,
        "effect": effect,
    }


class CaseStateMachine(ConcurrentTransitionMixin, models.Model):
    state = FSMField(_("状态"), default=S.DRAFT, choices=S.choices, protected=True, db_index=True)

    class Meta:
        abstract = True

    # --- applicant ---------------------------------------------------------------

    @transition(
        field=state,
        source=[S.DRAFT, S.WITHDRAWN],
        target=S.SUBMITTED,
        conditions=[c.campaign_active, c.submission_window_open, c.content_complete],
        permission=can_submit,
        custom=_meta(
            pgettext_lazy("case action", "提交至推荐单位"), Party.APPLICANT, notify=[Party.AUTHORITY], snapshot=True
        ),
    )
    def submit(self):
        pass

    @transition(
        field=state,
        source=S.RETURNED,
        target=S.SUBMITTED,
        conditions=[c.campaign_active, c.submission_window_open, c.content_complete],
        permission=can_submit,
        custom=_meta(
            pgettext_lazy("case action", "修改后重新提交"), Party.APPLICANT, notify=[Party.AUTHORITY], snapshot=True
        ),
    )
    def resubmit(self):
        pass

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.WITHDRAWN,
        conditions=[c.campaign_active, c.submission_window_open],
        permission=can_withdraw,
        custom=_meta(
            pgettext_lazy("case action", "撤回"), Party.APPLICANT, style="secondary", notify=[Party.AUTHORITY]
        ),
    )
    def withdraw(self):
        pass

    # --- recommending authority: preliminary review 初审 ---------------------------

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.RETURNED,
        conditions=[c.campaign_active, c.applicant_can_still_resubmit],
        permission=can_review,
        custom=_meta(
            pgettext_lazy("case action", "退回修改"),
            Party.AUTHORITY,
            style="secondary",
            comment_required=True,
            notify=[Party.APPLICANT],
        ),
    )
    def return_for_revision(self):
        pass

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.NOT_RECOMMENDED,
        conditions=[c.campaign_active, c.ranking_table_open],
        permission=can_review,
        custom=_meta(
            pgettext_lazy("case action", "不予推荐"),
            Party.AUTHORITY,
            style="danger",
            comment_required=True,
            notify=[Party.APPLICANT],
        ),
    )
    def reject(self):
        pass

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.RECOMMENDED,
        conditions=[c.campaign_active, c.ranking_table_open],
        permission=can_review,
        custom=_meta(
            pgettext_lazy("case action", "推荐"),
            Party.AUTHORITY,
            notify=[Party.APPLICANT],
            effect="reviews.ranking.services.ranking_append",
        ),
    )
    def recommend(self):
        pass

    @transition(
        field=state,
        source=S.RECOMMENDED,
        target=S.SUBMITTED,
        conditions=[c.campaign_active, c.ranking_table_open],
        permission=can_review,
        custom=_meta(
            pgettext_lazy("case action", "撤销推荐"),
            Party.AUTHORITY,
            style="secondary",
            comment_required=True,
            notify=[Party.APPLICANT],
            effect="reviews.ranking.services.ranking_remove",
        ),
    )
    def revoke_recommendation(self):
        pass

    # Taken for every recommended case when the authority submits its ranking table.
    @transition(
        field=state,
        source=S.RECOMMENDED,
        target=S.IN_EXPERT_REVIEW,
        conditions=[c.campaign_active, c.ranking_table_submitted],
        permission=can_review,
        custom=_meta(pgettext_lazy("case action", "报送省级评审"), Party.AUTHORITY, button=False),
    )
    def forward_to_province(self):
        pass

    # --- province ----------------------------------------------------------------

    # Taken for every case of a ranking table the province returns to its authority
    # (reviews.services.ranking_return mails the authority once for the whole table).
    @transition(
        field=state,
        source=S.IN_EXPERT_REVIEW,
        target=S.RECOMMENDED,
        conditions=[c.campaign_active, c.ranking_table_open],
        permission=can_decide,
        custom=_meta(
            pgettext_lazy("case action", "退回推荐单位"),
            Party.PROVINCE,
            style="secondary",
            comment_required=True,
            button=False,
        ),
    )
    def return_to_authority(self):
        pass

    @transition(
        field=state,
        source=S.IN_EXPERT_REVIEW,
        target=S.REVIEWED,
        conditions=[c.campaign_active, c.expert_review_complete],
        permission=can_decide,
        custom=_meta(pgettext_lazy("case action", "确认评审完成"), Party.PROVINCE),
    )
    def complete_review(self):
        pass

    # Outcomes are not mailed here: applicants learn them when the result is published.
    @transition(
        field=state,
        source=S.REVIEWED,
        target=S.SELECTED,
        conditions=[c.campaign_active],
        permission=can_decide,
        custom=_meta(pgettext_lazy("case action", "确定入选"), Party.PROVINCE),
    )
    def select(self):
        pass

    @transition(
        field=state,
        source=S.REVIEWED,
        target=S.NOT_SELECTED,
        conditions=[c.campaign_active],
        permission=can_decide,
        custom=_meta(pgettext_lazy("case action", "确定不入选"), Party.PROVINCE, style="danger", comment_required=True),
    )
    def reject_selection(self):
        pass

    @transition(
        field=state,
        source=S.SELECTED,
        target=S.RECOMMENDED_TO_NRTA,
        conditions=[c.campaign_active],
        permission=can_decide,
        custom=_meta(pgettext_lazy("case action", "推荐至总局"), Party.PROVINCE, effect="reviews.outcome.nrta.nrta_append"),
    )
    def recommend_to_nrta(self):
        pass
