"""Reminders (催报、催评), sent by the scheduler (`manage.py send_reminders`, or the task
`send_reminders_task` on the background worker), each at most once:

- units with cases still unsubmitted (draft or returned) when the submission deadline
  is at most `days` days away;
- authorities whose cases reached them but whose ranking table is not submitted, when
  the table's deadline is at most `days` days away;
- experts with assignments not yet submitted in an open round (once per round).

A ReminderRecord row, unique on (kind, campaign, key), is written in the same
transaction as the message: a second run finds it and sends nothing."""

from dataclasses import dataclass, field
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef
from django.urls import reverse
from django.utils import timezone

from accounts.enums import NotificationEvent, Role
from accounts.inbox import deadline_text, notify
from accounts.models import Organisation, User
from applications.enums import ACTIVE_PHASES, AUTHORITY_PHASES, CampaignPhase, CaseState
from applications.models import Campaign, Case
from reviews.enums import RankingTableStatus, StageStatus
from reviews.models import ExpertAssignment, RankingTable, ReminderRecord

# Cases the applicant has not (or no longer) submitted.
UNSUBMITTED_STATES = (CaseState.DRAFT, CaseState.RETURNED)
AUTHORITY_HELD_STATES = (CaseState.SUBMITTED, CaseState.RECOMMENDED)


def campaign_phase(campaign) -> str:
    """The campaign's phase (applications.phases): the one place the reminders read it."""
    return campaign.state


@dataclass
class ReminderRun:
    drafts: int = 0
    tables: int = 0
    scores: int = 0
    mails: int = 0
    skipped: list[str] = field(default_factory=list)

    @property
    def sent(self) -> int:
        return self.drafts + self.tables + self.scores


def _send_once(*, kind, campaign, key: str, users, organisation=None, expert=None, **message) -> int | None:
    """Record and send one reminder; None when it was already sent."""
    if ReminderRecord.objects.filter(kind=kind, campaign=campaign, key=key).exists():
        return None
    try:
        with transaction.atomic():
            record = ReminderRecord.objects.create(
                kind=kind, campaign=campaign, key=key, organisation=organisation, expert=expert
            )
            record.mails = notify(users=users, event=kind, **message)
            record.save(update_fields=["mails"])
    except IntegrityError:  # another run got there first
        return None
    return record.mails


def _due(deadline, *, now, days: int) -> bool:
    return deadline is not None and deadline - timedelta(days=days) <= now < deadline


def remind_drafts(*, campaign, now, days: int, run: ReminderRun) -> None:
    collecting = campaign_phase(campaign) == CampaignPhase.COLLECTING
    if not collecting or not _due(campaign.submission_deadline, now=now, days=days):
        return
    rows = (
        Case.objects.filter(campaign=campaign, state__in=UNSUBMITTED_STATES)
        .order_by()
        .values("unit_id")
        .annotate(n=Count("id"))
    )
    counts = {row["unit_id"]: row["n"] for row in rows}
    for unit in Organisation.objects.filter(pk__in=counts).order_by("id"):
        mails = _send_once(
            kind=NotificationEvent.REMINDER_DRAFTS,
            campaign=campaign,
            key=f"unit:{unit.pk}",
            organisation=unit,
            users=User.objects.filter(organisation=unit, role=Role.APPLICANT),
            template="reviews/email/reminder_drafts",
            context={"campaign": campaign, "unit": unit, "count": counts[unit.pk]},
            placeholders={
                "unit": unit.name,
                "campaign": campaign.title,
                "deadline": deadline_text(campaign.submission_deadline),
                "detail": str(counts[unit.pk]),
            },
            link=reverse("dashboard"),
        )
        if mails is not None:
            run.drafts += 1
            run.mails += mails


def remind_tables(*, campaign, now, days: int, run: ReminderRun) -> None:
    if campaign_phase(campaign) not in AUTHORITY_PHASES:
        return
    if not _due(campaign.ranking_deadline, now=now, days=days):
        return
    submitted = RankingTable.objects.filter(
        campaign=campaign, authority=OuterRef("pk"), status=RankingTableStatus.SUBMITTED
    )
    # Cases still in the authority's hands (to review, or recommended but not yet sent on).
    reached = Case.objects.filter(campaign=campaign, authority=OuterRef("pk"), state__in=AUTHORITY_HELD_STATES)
    authorities = Organisation.objects.filter(Exists(reached)).exclude(Exists(submitted)).order_by("id")
    for authority in authorities:
        mails = _send_once(
            kind=NotificationEvent.REMINDER_TABLE,
            campaign=campaign,
            key=f"authority:{authority.pk}",
            organisation=authority,
            users=User.objects.filter(organisation=authority, role=Role.AUTHORITY_REVIEWER)
            | User.objects.filter(organisation=authority, role=Role.PROVINCE_ADMIN),
            template="reviews/email/reminder_table",
            context={"campaign": campaign, "authority": authority},
            placeholders={
                "unit": authority.name,
                "campaign": campaign.title,
                "deadline": deadline_text(campaign.ranking_deadline),
            },
            link=reverse("reviews:ranking", args=[campaign.year]),
        )
        if mails is not None:
            run.tables += 1
            run.mails += mails


def remind_scores(*, campaign, run: ReminderRun) -> None:
    pending = (
        ExpertAssignment.objects.filter(
            stage__campaign=campaign, stage__status=StageStatus.OPEN, submitted_at__isnull=True
        )
        .order_by()
        .values("stage_id", "stage__name", "expert_id")
        .annotate(n=Count("id"))
        .order_by("stage_id", "expert_id")
    )
    for row in pending:
        expert = User.objects.filter(pk=row["expert_id"])
        mails = _send_once(
            kind=NotificationEvent.REMINDER_SCORES,
            campaign=campaign,
            key=f"expert:{row['expert_id']}:stage:{row['stage_id']}",
            expert=User(pk=row["expert_id"]),
            users=expert,
            template="reviews/email/reminder_scores",
            context={"campaign": campaign, "stage_name": row["stage__name"], "count": row["n"]},
            placeholders={"campaign": campaign.title, "detail": f"{row['stage__name']}：{row['n']}"},
            link=reverse("reviews:expert_queue"),
        )
        if mails is not None:
            run.scores += 1
            run.mails += mails


def reminders_send(*, days: int, now=None) -> ReminderRun:
    """Send every reminder that is due and not yet sent, in every running campaign."""
    now = now or timezone.now()
    run = ReminderRun()
    running = [campaign for campaign in Campaign.objects.order_by("year") if campaign_phase(campaign) in ACTIVE_PHASES]
    for campaign in running:
        remind_drafts(campaign=campaign, now=now, days=days, run=run)
        remind_tables(campaign=campaign, now=now, days=days, run=run)
        remind_scores(campaign=campaign, run=run)
    return run
