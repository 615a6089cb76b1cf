from django.db.models import Exists, OuterRef
from django.utils import timezone

from applications.enums import AttachmentKind, CampaignStatus, CaseState
from applications.models import Attachment, Campaign, Case
from workflow.models import TransitionRecord
from workflow.selectors import visible_to


def cases_visible_to(*, user):
    """Every case `user` may read, in one query: object permissions decide, nothing else."""
    return visible_to(user=user, model=Case, codename="view_case").select_related(
        "campaign", "category", "unit", "authority"
    )


def with_stamped_scan_flag(queryset):
    """Annotate `has_stamped_scan` so listing what is missing costs no query per case."""
    scans = Attachment.objects.filter(case=OuterRef("pk"), kind=AttachmentKind.STAMPED_SCAN)
    return queryset.annotate(has_stamped_scan=Exists(scans))


def open_campaigns():
    """Campaigns taking new cases now."""
    return Campaign.objects.filter(status=CampaignStatus.OPEN, submission_deadline__gt=timezone.now()).prefetch_related(
        "categories"
    )


def return_feedback(*, case) -> tuple[TransitionRecord | None, dict[str, str]]:
    """The authority's last return of the case and its comments per section, while the
    case is back with the applicant; (None, {}) otherwise."""
    if case.state != CaseState.RETURNED:
        return None, {}
    record = (
        TransitionRecord.objects.filter(case=case, action="return_for_revision")
        .select_related("actor", "organisation")
        .prefetch_related("section_comments")
        .order_by("-created_at", "-id")
        .first()
    )
    if record is None:
        return None, {}
    return record, {comment.section_key: comment.text for comment in record.section_comments.all()}


CONTACT_KEYS = ("contact_name", "contact_position", "contact_phone", "contact_email")


def contact_defaults(*, unit, user) -> dict[str, str]:
    """The contact a new draft starts with: the one the unit gave on its latest case,
    else the person creating it (name, phone, email from the account). The applicant
    changes it in the editor like any other field."""
    latest = Case.objects.filter(unit=unit, header__has_key="contact_name").order_by("-created_at", "-pk").first()
    if latest and latest.header.get("contact_name"):
        return {key: latest.header[key] for key in CONTACT_KEYS if latest.header.get(key)}
    from_user = {
        "contact_name": user.display_name or "",
        "contact_phone": user.phone or "",
        "contact_email": user.email or "",
    }
    return {key: value for key, value in from_user.items() if value}
