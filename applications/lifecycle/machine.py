"""The case's transition table: the one place that says which moves exist, who may make
them and under which conditions. Nothing else assigns a state; the engine's
`workflow.services.apply_transition` is the one door through which these methods are
called (the case's `Machine` is registered in applications/apps.py).

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
  confirm          the consequence stated before the button acts (a dialog, or a page
                   without JavaScript: core/confirm.py); set on every move the person
                   taking it cannot undo by themselves
  effects          hooks called with (subject=case, record=record) inside the
                   transition's transaction: what else must change with the state
                   (implemented by the review app, see applications/lifecycle/hooks.py)
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from applications.enums import CaseState, Party
from applications.lifecycle import conditions as c
from applications.lifecycle import hooks
from workflow.conditions import HasObjectPermission

S = CaseState

can_submit = HasObjectPermission("submit_case")
can_withdraw = HasObjectPermission("withdraw_case")
can_review = HasObjectPermission("review_case")
can_decide = HasObjectPermission("decide_case")


def _meta(
    label,
    actor,
    *,
    style="primary",
    comment_required=False,
    notify=(),
    button=True,
    snapshot=False,
    effects=(),
    confirm="",
):
    return {
        "label": label,
        "confirm": confirm,
        "actor": actor,
        "style": style,
        "comment_required": comment_required,
        "notify": tuple(notify),
        "button": button,
        "snapshot": snapshot,
        "effects": tuple(effects),
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
        conditions=[c.campaign_active, c.authority_phase, c.applicant_can_still_resubmit],
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
        conditions=[c.campaign_active, c.authority_phase],
        permission=can_review,
        custom=_meta(
            pgettext_lazy("case action", "不予推荐"),
            Party.AUTHORITY,
            style="danger",
            comment_required=True,
            notify=[Party.APPLICANT],
            confirm=_("不予推荐后，该案例不再参加本次评选，申报单位会收到通知；此操作不能撤销。"),
        ),
    )
    def reject(self):
        pass

    @transition(
        field=state,
        source=S.SUBMITTED,
        target=S.RECOMMENDED,
        conditions=[c.campaign_active, c.authority_phase],
        permission=can_review,
        custom=_meta(
            pgettext_lazy("case action", "推荐"),
            Party.AUTHORITY,
            notify=[Party.APPLICANT],
            effects=[hooks.recommended],
            confirm=_(
                "推荐后该案例进入本单位的推荐排序表，申报单位会收到通知，不能再退回修改（排序表报送前可撤销推荐）。"
            ),
        ),
    )
    def recommend(self):
        pass

    @transition(
        field=state,
        source=S.RECOMMENDED,
        target=S.SUBMITTED,
        conditions=[c.campaign_active, c.authority_phase, c.ranking_table_open],
        permission=can_review,
        custom=_meta(
            pgettext_lazy("case action", "撤销推荐"),
            Party.AUTHORITY,
            style="secondary",
            comment_required=True,
            notify=[Party.APPLICANT],
            effects=[hooks.recommendation_revoked],
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
    # (the review app mails the authority once for the whole table).
    @transition(
        field=state,
        source=S.IN_EXPERT_REVIEW,
        target=S.RECOMMENDED,
        conditions=[c.campaign_active, c.authority_phase, c.no_expert_assigned, c.ranking_table_open],
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
        conditions=[c.campaign_active, c.expert_review_phase, c.expert_review_complete],
        permission=can_decide,
        custom=_meta(
            pgettext_lazy("case action", "确认评审完成"),
            Party.PROVINCE,
            confirm=_("确认后该案例的专家评分即告结束，专家不能再修改评分。"),
        ),
    )
    def complete_review(self):
        pass

    # Outcomes are not mailed here: applicants learn them when the result is published.
    @transition(
        field=state,
        source=S.REVIEWED,
        target=S.SELECTED,
        conditions=[c.campaign_active, c.decision_phase, c.passes_gates, c.within_hard_quotas],
        permission=can_decide,
        custom=_meta(
            pgettext_lazy("case action", "确定入选"),
            Party.PROVINCE,
            confirm=_("确定入选后，该案例将列入公示名单（公示发布前可撤销决定）。"),
        ),
    )
    def select(self):
        pass

    @transition(
        field=state,
        source=S.REVIEWED,
        target=S.NOT_SELECTED,
        conditions=[c.campaign_active, c.decision_phase],
        permission=can_decide,
        custom=_meta(
            pgettext_lazy("case action", "确定不入选"),
            Party.PROVINCE,
            style="danger",
            comment_required=True,
            confirm=_("确定不入选后，该案例不列入公示名单（公示发布前可撤销决定）。"),
        ),
    )
    def reject_selection(self):
        pass

    # A decision can be changed, with a reason, until the 公示 makes it public; the
    # case is then decided again (select / reject_selection, with their rules).
    @transition(
        field=state,
        source=[S.SELECTED, S.NOT_SELECTED],
        target=S.REVIEWED,
        conditions=[c.campaign_active, c.result_not_published],
        permission=can_decide,
        custom=_meta(
            pgettext_lazy("case action", "撤销决定，重新审定"), Party.PROVINCE, style="secondary", comment_required=True
        ),
    )
    def reconsider_selection(self):
        pass

    # Taken by the province's answer to an objection it upholds during the 公示
    # (reviews.outcome.publication.objection_answer), before the 通报.
    @transition(
        field=state,
        source=S.SELECTED,
        target=S.NOT_SELECTED,
        conditions=[c.campaign_active, c.objection_upheld_before_announcement],
        permission=can_decide,
        custom=_meta(
            pgettext_lazy("case action", "异议成立，取消入选"),
            Party.PROVINCE,
            style="danger",
            comment_required=True,
            notify=[Party.APPLICANT],
            button=False,
        ),
    )
    def uphold_objection(self):
        pass

    @transition(
        field=state,
        source=S.SELECTED,
        target=S.RECOMMENDED_TO_NRTA,
        conditions=[c.campaign_active, c.nrta_phase],
        permission=can_decide,
        custom=_meta(
            pgettext_lazy("case action", "推荐至总局"),
            Party.PROVINCE,
            effects=[hooks.recommended_to_nrta],
            confirm=_("推荐至总局后，该案例列入报送国家广播电视总局的名单；此操作不能撤销。"),
        ),
    )
    def recommend_to_nrta(self):
        pass
