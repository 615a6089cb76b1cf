from contextlib import nullcontext

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Sum
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts import roles
from accounts.validators import normalise_phone
from applications.enums import EDITABLE_STATES, FIRST_PHASE, AttachmentKind, CampaignPhase, CaseState
from applications.figures import figures_clean
from applications.lifecycle import hooks
from applications.models import Attachment, Campaign, Case, Category, EvidenceLink, FormSchema
from applications.schema import OFFICIAL_CATEGORIES, official_definition, validate_definition
from applications.selectors import campaign_closed_reason
from applications.uploads import PDF, display_name, offered_name, vet_upload
from core.text import comparison_key, normalise_line, normalise_prose
from workflow.exceptions import TransitionRefused
from workflow.permissions import permission_held, permissions_sync

MB = 1024 * 1024


@transaction.atomic
def campaign_require_open(campaign: Campaign) -> None:
    """Refuse any change to an archived campaign: its settings, rounds, assignments,
    scores and lists are the year's record. The state is read afresh, as the caller's
    copy may predate the move to 归档."""
    state = Campaign.objects.values_list("state", flat=True).get(pk=campaign.pk)
    if state == CampaignPhase.ARCHIVED:
        raise TransitionRefused(campaign_closed_reason(campaign))


def campaign_create(
    *,
    year: int,
    title: str,
    submission_deadline,
    ranking_deadline,
    phase: CampaignPhase = FIRST_PHASE,
    notice_number: str = "",
    contact: str = "",
) -> Campaign:
    """A campaign with the notice's four categories, each on version 1 of its official
    form, and the default rubric with a first (blind) review round. It starts in
    `phase` (the first phase, 筹备, unless the demo or a test needs a campaign further on:
    no phase move is recorded then)."""
    campaign = Campaign(
        year=year,
        title=title,
        submission_deadline=submission_deadline,
        ranking_deadline=ranking_deadline,
        state=phase,
        notice_number=notice_number,
        contact=contact,
    )
    # The phase is protected (moved only by the engine): not re-set by cleaning.
    campaign.full_clean(exclude=["state"])
    campaign.save()
    for position, (code, name) in enumerate(OFFICIAL_CATEGORIES, start=1):
        category = Category.objects.create(campaign=campaign, code=code, name=name, position=position)
        FormSchema.objects.create(category=category, version=1, definition=official_definition(code))
    hooks.campaign_created(campaign=campaign)
    return campaign


def schema_add_version(*, category: Category, definition: dict) -> FormSchema:
    """A new version of a category's form; cases already written keep theirs."""
    validate_definition(definition)
    with transaction.atomic():
        latest = category.schemas.select_for_update().order_by("-version").first()
        return FormSchema.objects.create(
            category=category, version=(latest.version + 1) if latest else 1, definition=definition
        )


# --- a case's name ------------------------------------------------------------------

TITLE_MAX_LENGTH = Case._meta.get_field("title").max_length
TITLE_CONSTRAINT = "case_title_unique_in_unit_and_campaign"


def title_too_long_message(title: str) -> str:
    return _("案例名称不能超过%(limit)d字（当前%(count)d字）。") % {"limit": TITLE_MAX_LENGTH, "count": len(title)}


def case_title(value, *, required: bool = True) -> str:
    """The title as stored (normalise_line), or ValidationError: empty (when required),
    over the limit (counted on the normalised title, never cut), NUL."""
    title = normalise_line(value)
    if required and not title:
        raise ValidationError(_("请填写案例名称。"), code="required")
    if len(title) > TITLE_MAX_LENGTH:
        raise ValidationError(title_too_long_message(title), code="max_length")
    return title


def _duplicate_title(existing: Case) -> ValidationError:
    return ValidationError(
        _("本单位在本次征集中已有同名案例「%(title)s」，请修改案例名称。") % {"title": existing.title},
        code="duplicate_title",
    )


def _same_name(*, campaign_id: int, unit_id: int, key: str, exclude_pk: int | None = None) -> Case | None:
    if not key:
        return None
    return (
        Case.objects.filter(campaign_id=campaign_id, unit_id=unit_id, title_key=key)
        .exclude(pk=exclude_pk)
        .order_by("id")
        .first()
    )


def _refuse_same_name(*, campaign_id: int, unit_id: int, key: str, exclude_pk: int | None = None) -> None:
    existing = _same_name(campaign_id=campaign_id, unit_id=unit_id, key=key, exclude_pk=exclude_pk)
    if existing is not None:
        raise _duplicate_title(existing)


def _name_collision(error: IntegrityError, *, campaign_id: int, unit_id: int, key: str, exclude_pk=None):
    """The message for the IntegrityError of a race (another request wrote the same name
    between our check and our write), or None when the error is about something else."""
    existing = _same_name(campaign_id=campaign_id, unit_id=unit_id, key=key, exclude_pk=exclude_pk)
    if existing is None and TITLE_CONSTRAINT not in str(error):
        return None
    return (
        _duplicate_title(existing)
        if existing is not None
        else ValidationError(_("本单位在本次征集中已有同名案例，请修改案例名称。"), code="duplicate_title")
    )


def case_create(
    *,
    campaign: Campaign,
    category: Category,
    actor,
    title: str,
    header: dict | None = None,
    sections: dict | None = None,
    figures: dict | None = None,
) -> Case:
    """A new draft case of the actor's unit, on the category's current form version.
    The title, the one thing a person types here, is normalised as the editor's saves
    are (ValidationError for text that cannot be stored); `header`, `sections` and
    `figures` come from code (demo, tests), not from a form."""
    unit = actor.organisation
    if not roles.is_applicant(actor) or not unit.can_file:
        raise TransitionRefused(_("只有已通过注册审核的申报单位用户可以创建案例。"))
    if category.campaign_id != campaign.pk:
        raise TransitionRefused(_("所选类别不属于本次征集。"))
    if not campaign.submission_window_open(unit_id=unit.pk):
        raise TransitionRefused(_("本次征集不在申报期内，不能新建案例。"))
    title = case_title(title)
    key = comparison_key(title)
    _refuse_same_name(campaign_id=campaign.pk, unit_id=unit.pk, key=key)
    schema = category.schemas.latest()
    try:
        with transaction.atomic():
            case = Case.objects.create(
                campaign=campaign,
                category=category,
                schema=schema,
                unit=unit,
                authority=unit.authority,
                title=title,
                title_key=key,
                header=header or {},
                sections=sections or {},
                figures=figures_clean(schema.definition, figures) if figures else {},
                created_by=actor,
            )
            permissions_sync(subjects=[case])
    except IntegrityError as error:
        refusal = _name_collision(error, campaign_id=campaign.pk, unit_id=unit.pk, key=key)
        if refusal is None:
            raise
        raise refusal from error
    return case


# --- the applicant's editing ---------------------------------------------------------

# A generous ceiling on what one field may hold, far above the form's own limits, so a
# draft can be saved over the limit (the applicant trims later) but never abused.
MAX_FIELD_CHARS = 20_000


class StaleEdit(Exception):
    """The case changed since the editor loaded it (another tab, another person)."""

    def __init__(self, current_version: int):
        self.current_version = current_version
        super().__init__(f"case is at version {current_version}")


def _require_editable(*, case: Case, actor) -> None:
    organisation = getattr(actor, "organisation", None)
    if organisation is None or not organisation.can_file or not actor.has_perm("applications.change_case", case):
        raise PermissionDenied(_("该案例当前不可编辑。"))


def _keep_known(definition: dict, header: dict, sections: dict, figures: dict) -> tuple[dict, dict, dict]:
    """Only the keys of the case's own form version, normalised (core.text): sections and
    textarea header fields as prose, telephone numbers in their one form, everything
    else as one trimmed line, figures as canonical numbers. Raises ValidationError for
    text that cannot be stored (NUL), text longer than MAX_FIELD_CHARS (refused, never
    cut) or a figure that is not a number of its kind and range."""

    def within_ceiling(value: str) -> str:
        if len(value) > MAX_FIELD_CHARS:
            raise ValidationError(
                _("每项内容不能超过%(limit)d字（当前%(count)d字）。") % {"limit": MAX_FIELD_CHARS, "count": len(value)},
                code="max_length",
            )
        return value

    def text(value) -> str:
        return within_ceiling(normalise_line(value))

    def prose(value) -> str:
        # Browsers submit textareas with CRLF line ends; the case keeps plain newlines.
        return within_ceiling(normalise_prose(value))

    def header_value(spec: dict) -> str:
        value = header.get(spec["key"])
        if spec["type"] == "textarea":
            return prose(value).strip()
        if spec["type"] == "phone":
            return normalise_phone(text(value))
        return text(value)

    kept_header = {f["key"]: header_value(f) for f in definition["header_fields"]}
    kept_sections = {s["key"]: prose(sections.get(s["key"])) for s in definition["sections"]}
    # Figures are numbers: canonical, or ValidationError by figure key (applications.figures).
    kept_figures = figures_clean(definition, figures)
    return kept_header, kept_sections, kept_figures


# What the content's write returns of the row it wrote, besides whether its stamped scan
# is there: a case that was not read before its save is made from them (case_save_content).
WRITTEN_COLUMNS = ("state", "campaign_id", "category_id", "unit_id", "authority_id")


def _write_content(*, pk: int, schema_id: int, expected_version: int, actor, values: dict) -> list | None:
    """UPDATE the case's `values` and its version + 1 where it is at `expected_version`,
    on form version `schema_id`, in a state that may be edited, and `actor` holds
    change_case on it; None when no row was written, else the row's WRITTEN_COLUMNS and
    whether its stamped scan is there. As SQL: the ORM compiled this statement in more
    Python time than the whole of a trivial request, on every autosave of the rush."""
    quote = connection.ops.quote_name
    table = quote(Case._meta.db_table)
    assignments, params = [], []
    for name, value in values.items():
        field = Case._meta.get_field(name)
        assignments.append(f"{quote(field.column)} = %s")
        params.append(field.get_db_prep_save(value, connection))
    version = quote(Case._meta.get_field("version").column)
    assignments.append(f"{version} = {table}.{version} + 1")
    states = sorted(str(state) for state in EDITABLE_STATES)
    may_change = permission_held(user=actor, model=Case, codename="change_case")
    returned = ", ".join(f"{table}.{quote(Case._meta.get_field(name).column)}" for name in WRITTEN_COLUMNS)
    attachments = quote(Attachment._meta.db_table)
    sql = (
        f"UPDATE {table} SET {', '.join(assignments)} "
        f"WHERE {table}.{quote(Case._meta.pk.column)} = %s AND {table}.{version} = %s "
        f"AND {table}.{quote('schema_id')} = %s "
        f"AND {table}.{quote('state')} IN ({', '.join(['%s'] * len(states))}) AND {may_change.sql} "
        f"RETURNING {returned}, EXISTS (SELECT 1 FROM {attachments} a "
        f"WHERE a.{quote('case_id')} = {table}.{quote('id')} AND a.{quote('kind')} = %s)"
    )
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [*params, pk, expected_version, schema_id, *states, *may_change.params, AttachmentKind.STAMPED_SCAN],
        )
        row = cursor.fetchone()
    return None if row is None else list(row)


def case_save_content(
    *,
    case: Case | None = None,
    pk: int | None = None,
    schema: FormSchema | None = None,
    actor,
    expected_version: int,
    title: str,
    header: dict,
    sections: dict,
    figures: dict,
) -> Case:
    """Save a draft's content if nobody saved since `expected_version`; else StaleEdit.

    `case` as read (applications.selectors.case_for_saving), or, for a save that reads
    nothing first (the autosave: one statement fewer on every save of the rush), its
    `pk` and the form version `schema` its page was built on (selectors.form_schema).
    The content is checked against that version and written only if the case is still
    on it, as on everything below; the case then comes back made from the written row.

    Saving never checks completeness: a half-written draft must always be savable.
    Completeness is the submit transition's condition.

    One UPDATE decides everything the row must satisfy at the moment it is written: the
    version the editor loaded, a state that may be edited, the actor's right to edit
    (workflow.permissions.permission_held), and the name unique in its unit and campaign
    (the database constraint). Only when it writes nothing does a second query say why:
    PermissionDenied, or StaleEdit with the current version. The case comes back with
    what this save wrote, its new version and time (no read of the row again)."""
    organisation = getattr(actor, "organisation", None)
    if organisation is None or not organisation.can_file:
        raise PermissionDenied(_("该案例当前不可编辑。"))
    if case is not None:
        pk, schema = case.pk, case.schema
    header, sections, figures = _keep_known(schema.definition, header, sections, figures)
    # A draft may be saved without a name (completeness is the submit's condition).
    title = case_title(title, required=False)
    key = comparison_key(title)
    now = timezone.now()
    # One statement is atomic by itself: a transaction around it (BEGIN … COMMIT, two
    # more round trips per autosave) only inside a caller's, where its savepoint keeps a
    # refused name from breaking the caller's transaction.
    around = transaction.atomic() if connection.in_atomic_block else nullcontext()
    try:
        with around:
            written = _write_content(
                pk=pk,
                schema_id=schema.pk,
                expected_version=expected_version,
                actor=actor,
                values={
                    "title": title,
                    "title_key": key,
                    "header": header,
                    "sections": sections,
                    "figures": figures,
                    "updated_at": now,
                },
            )
    except IntegrityError as error:
        # Only a row the actor may edit at the version they loaded is ever written, so
        # this is the unique name (another case of the unit and campaign has it).
        # The case's place, read here: a save may come without a read of its case.
        where = Case.objects.filter(pk=pk).values("campaign_id", "unit_id").first() or {}
        refusal = _name_collision(
            error, campaign_id=where.get("campaign_id"), unit_id=where.get("unit_id"), key=key, exclude_pk=pk
        )
        if refusal is None:
            raise
        raise refusal from error
    if written is None:
        current = (
            Case.objects.filter(pk=pk)
            .annotate(may_change=permission_held(user=actor, model=Case, codename="change_case"))
            .values("state", "version", "may_change")
            .first()
        )
        if current is None or current["state"] not in EDITABLE_STATES or not current["may_change"]:
            raise PermissionDenied(_("该案例当前不可编辑。"))
        raise StaleEdit(current["version"])
    *columns, has_stamped_scan = written
    if case is None:
        # Its other fields deferred (read on access), as a case read by case_for_saving;
        # given in the model's order of fields, as Model.from_db reads them.
        known = {"id": pk, "schema_id": schema.pk, **dict(zip(WRITTEN_COLUMNS, columns, strict=True))}
        names = [field.attname for field in Case._meta.concrete_fields if field.attname in known]
        case = Case.from_db(connection.alias, names, [known[name] for name in names])
        case.schema = schema
    case.has_stamped_scan = bool(has_stamped_scan)
    case.title, case.title_key, case.header, case.sections, case.figures = title, key, header, sections, figures
    case.version, case.updated_at = expected_version + 1, now
    return case


def attachment_add(
    *, case: Case, actor, uploaded, kind: str = AttachmentKind.EVIDENCE, description: str = ""
) -> Attachment:
    """Attach an uploaded file after checking its bytes, size and the case's total."""
    _require_editable(case=case, actor=actor)
    campaign = case.campaign
    name = display_name(uploaded.name)
    if name is None:
        raise ValidationError(_("文件名不合法：请使用不含路径和特殊字符的文件名后重新上传。"))
    if uploaded.size == 0:
        raise ValidationError(_("文件「%(name)s」是空的。") % {"name": name})
    if uploaded.size > campaign.max_file_mb * MB:
        raise ValidationError(
            _("文件「%(name)s」大小为%(size)s，超过单个附件%(limit)dMB的上限；较大的材料请提供网盘链接。")
            % {"name": name, "size": filesizeformat(uploaded.size), "limit": campaign.max_file_mb}
        )
    detected = vet_upload(uploaded, name=name)
    # Listed and offered under the extension of what the bytes are, never the user's.
    name = offered_name(name, detected)
    if kind == AttachmentKind.STAMPED_SCAN and detected is not PDF:
        raise ValidationError(_("盖章扫描件须为 PDF 文件。"))
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        replaced = (
            list(locked.attachments.filter(kind=AttachmentKind.STAMPED_SCAN))
            if kind == AttachmentKind.STAMPED_SCAN
            else []
        )
        used = locked.attachments.exclude(pk__in=[a.pk for a in replaced]).aggregate(total=Sum("size"))["total"] or 0
        if used + uploaded.size > campaign.max_case_mb * MB:
            raise ValidationError(
                _("本案例附件总量将超过%(limit)dMB的上限（已用%(used)s）；较大的材料请提供网盘链接。")
                % {"limit": campaign.max_case_mb, "used": filesizeformat(used)}
            )
        for old in replaced:
            _delete_attachment(old)
        attachment = Attachment(
            case=locked,
            kind=kind,
            original_name=name,
            content_type=detected.content_type,
            size=uploaded.size,
            description=(description or "").strip()[:200],
            uploaded_by=actor,
        )
        uploaded.seek(0)
        attachment.file.save(f"upload{detected.extension}", uploaded, save=False)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
    return attachment


def _delete_attachment(attachment: Attachment) -> None:
    stored = attachment.file.name
    attachment.delete()
    # The file goes only once the row is surely gone.
    transaction.on_commit(lambda: attachment.file.storage.delete(stored))


def attachment_remove(*, attachment: Attachment, actor) -> None:
    _require_editable(case=attachment.case, actor=actor)
    with transaction.atomic():
        _delete_attachment(attachment)


def link_add(*, case: Case, actor, title: str, url: str, extraction_code: str = "") -> EvidenceLink:
    _require_editable(case=case, actor=actor)
    link = EvidenceLink(
        case=case,
        title=(title or "").strip(),
        url=(url or "").strip(),
        extraction_code=(extraction_code or "").strip(),
        created_by=actor,
    )
    link.full_clean()
    link.save()
    return link


def link_remove(*, link: EvidenceLink, actor) -> None:
    _require_editable(case=link.case, actor=actor)
    link.delete()


def case_delete(*, case: Case, actor) -> None:
    """Delete a draft that was never submitted, with its files and links. Anything that
    ever left the unit (submitted, withdrawn, returned …) has a history and is kept:
    it can be withdrawn, never deleted."""
    _require_editable(case=case, actor=actor)
    with transaction.atomic():
        locked = Case.objects.select_for_update().get(pk=case.pk)
        if locked.state != CaseState.DRAFT or locked.transitions.exists():
            raise TransitionRefused(_("只能删除从未提交过的草稿；提交过的案例可以撤回，不能删除。"))
        for attachment in locked.attachments.all():
            _delete_attachment(attachment)
        locked.delete()
