from django.db import connection
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.enums import EXTENSION_PHASES, AttachmentKind, CampaignPhase, CaseState
from applications.models import Attachment, Campaign, Case, DeadlineExtension, FormSchema
from core.params import MAX_ID
from core.text import comparison_key
from workflow.models import TransitionRecord
from workflow.permissions import permissions_held
from workflow.selectors import visible_to, visible_with_state_counts

# What a list of cases prints of each beside the case: read in the same query.
CASE_RELATIONS = ("campaign", "category", "unit", "authority")


def cases_visible_to(*, user, whole: bool = False):
    """Every case `user` may read, in one query: object permissions decide, nothing else.
    `whole=True` when the query reads them all (counts): see workflow.selectors.visible_to."""
    return visible_to(user=user, model=Case, codename="view_case", whole=whole).select_related(*CASE_RELATIONS)


def cases_visible_with_state_counts(*, user, expected_states):
    """(every case `user` may read, as cases_visible_to; their number per state), for a
    reader expected to read every case in `expected_states`: see
    workflow.selectors.visible_with_state_counts."""
    visible, counts = visible_with_state_counts(
        user=user, model=Case, codename="view_case", expected_states=expected_states
    )
    return visible.select_related(*CASE_RELATIONS), counts


# Form versions read by this process, by id: a version is never changed once written (a
# change is a new version, schema_add_version; the admin shows them read only), so what
# was read stays true and is the same on every server. A version written here again
# under an id already known (an id given back by a rolled-back transaction, as SQLite's
# are in the test suite) or deleted is forgotten (`forget_form_schema`, on the model's
# signals).
_FORM_SCHEMAS: dict[int, FormSchema] = {}


def form_schema(pk) -> FormSchema | None:
    """The form version `pk` (its id and definition only), read once per process; None
    when `pk` is no id (a page's field: anything may come) or names no version."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        return None
    if not 0 < pk <= MAX_ID:
        return None
    schema = _FORM_SCHEMAS.get(pk)
    if schema is None:
        schema = FormSchema.objects.only("id", "definition").filter(pk=pk).first()
        if schema is None:
            return None
        if len(_FORM_SCHEMAS) >= 256:  # a few versions per category and year: be safe anyway
            _FORM_SCHEMAS.clear()
        _FORM_SCHEMAS[pk] = schema
    return schema


def forget_form_schema(sender, instance, **kwargs) -> None:
    _FORM_SCHEMAS.pop(instance.pk, None)


def case_for_saving(*, user, pk: int, rights: bool = True) -> Case | None:
    """The case `pk` with what a save of its content needs, in one query: its form
    version, whether `user` may see it (`may_view`, as cases_visible_to decides) and edit
    it (`may_change`), and whether its stamped scan is there (`has_stamped_scan`); None
    when there is no such case. With `rights=False` the rights are not asked (`may_view`
    and `may_change` are None), for a caller that writes only through a statement asking
    them itself and asks them again before any refusal (the autosave): PostgreSQL plans
    the rights' subquery in 0.4 ms of its CPU, each time.

    The deadline rush's read, so written as SQL reading only what a save needs (its
    narratives are about to be replaced): the ORM's compilation of the same query cost
    more Python than a whole trivial request. The case's other fields are deferred (read
    on access, like `only()`); the save sets those it writes."""
    if not isinstance(pk, int) or not 0 < pk <= MAX_ID:
        return None  # no row has it (and the database could not take it as a parameter)
    quote = connection.ops.quote_name
    table, schemas = quote(Case._meta.db_table), quote(FormSchema._meta.db_table)
    attachments = quote(Attachment._meta.db_table)
    wanted = {"id", "state", "campaign_id", "category_id", "unit_id", "authority_id", "schema_id", "version"}
    # In the model's order of fields, as Model.from_db reads them.
    fields = [field.attname for field in Case._meta.concrete_fields if field.attname in wanted]
    rights_sql, rights_params = "NULL", []
    if rights:
        held = permissions_held(user=user, model=Case, codenames=("view_case", "change_case"))
        rights_sql, rights_params = held.sql, held.params
    sql = (
        f"SELECT {', '.join(f'{table}.{quote(field)}' for field in fields)}, {schemas}.{quote('definition')}, "
        f"{rights_sql}, EXISTS (SELECT 1 FROM {attachments} a WHERE a.{quote('case_id')} = {table}.{quote('id')} "
        f"AND a.{quote('kind')} = %s) "
        f"FROM {table} INNER JOIN {schemas} ON {schemas}.{quote('id')} = {table}.{quote('schema_id')} "
        f"WHERE {table}.{quote('id')} = %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*rights_params, AttachmentKind.STAMPED_SCAN, pk])
        row = cursor.fetchone()
    if row is None:
        return None
    *values, definition, bits, has_scan = row
    case = Case.from_db(connection.alias, fields, values)
    definition = FormSchema._meta.get_field("definition").from_db_value(definition, None, connection)
    case.schema = FormSchema.from_db(connection.alias, ["id", "definition"], [case.schema_id, definition])
    case.may_view, case.may_change = (bool(bits & 1), bool(bits & 2)) if rights else (None, None)
    case.has_stamped_scan = bool(has_scan)
    return case


def cases_matching(queryset, term: str, *, by_unit: bool = True):
    """The cases of `queryset` whose name or unit contains `term`, or whose number (id)
    it is ("#12" or "12"). Names are compared on their comparison key, as uniqueness is
    (full-width and half-width, spaces and letter case do not matter). `by_unit=False`
    for a reader who must not learn the unit (an expert in a blind round)."""
    if not term:
        return queryset
    match = Q(title__icontains=term)
    if by_unit:
        match |= Q(unit__name__icontains=term)
    key = comparison_key(term)
    if key:
        match |= Q(title_key__contains=key)
    number = term.removeprefix("#").strip()
    if number.isascii() and number.isdigit() and len(number) < 12:
        match |= Q(pk=int(number))
    return queryset.filter(match)


def with_stamped_scan_flag(queryset):
    """Annotate `has_stamped_scan` so listing what is missing costs no query per case."""
    scans = Attachment.objects.filter(case=OuterRef("pk"), kind=AttachmentKind.STAMPED_SCAN)
    return queryset.annotate(has_stamped_scan=Exists(scans))


def open_campaigns(*, unit=None):
    """Campaigns taking new cases now (from `unit`, when given: its extensions count)."""
    now = timezone.now()
    taking = Q(state=CampaignPhase.COLLECTING, submission_deadline__gt=now)
    if unit is not None:
        taking |= Q(state__in=EXTENSION_PHASES, extensions__organisation=unit, extensions__until__gt=now)
    return Campaign.objects.filter(taking).distinct().prefetch_related("categories")


def running_extensions_of(*, unit) -> list:
    """The extensions running now for `unit` or one of its cases, latest deadline first,
    in one query (what the unit's dashboard says about its deadlines)."""
    return list(
        DeadlineExtension.objects.filter(until__gt=timezone.now())
        .filter(Q(organisation=unit) | Q(case__unit=unit))
        .select_related("campaign", "case")
        # The banner names the case: not its texts.
        .defer("case__header", "case__sections", "case__figures", "case__missing")
        .order_by("-until", "-id")
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


def campaign_closed_reason(campaign) -> str:
    """Why nothing of `campaign` may change any more (empty while it may): the pages
    show their actions disabled with this reason, as the services would refuse them."""
    if campaign.state == CampaignPhase.ARCHIVED:
        return str(_("本年度征集评选已归档，只能查看，不能再变更。"))
    return ""
