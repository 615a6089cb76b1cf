"""The province's set-up pages: the list of campaigns, a new campaign (cloned or from the
official defaults), the settings page of small sections with the history of changes,
and the form-schema editor with a live preview. Everyone but the province's
administrator gets 404, as on every page of the province."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import roles
from applications.forms import CaseContentForm
from applications.models import Campaign, CampaignSettingChange, Category
from applications.schema_editor import SchemaEditor
from applications.setup import campaign_clone, campaign_create_official, schema_publish, shift_years, with_year
from core.forms import add_refusal
from reviews.access import province_campaign
from reviews.setup.forms import CampaignCloneForm, CampaignNewForm
from reviews.setup.sections import SECTIONS
from workflow.exceptions import TransitionRefused

HISTORY_SHOWN = 100


def _province_only(request) -> None:
    if not roles.is_province_admin(request.user):
        raise Http404


@login_required
def campaign_list(request):
    _province_only(request)
    campaigns = Campaign.objects.annotate(case_count=Count("cases", distinct=True)).order_by("-year")
    return render(request, "reviews/setup/campaigns.html", {"campaigns": campaigns})


def _clone_initial(source: Campaign) -> dict:
    year = source.year + 1
    return {
        "source": source.pk,
        "year": year,
        "title": with_year(source.title, source.year, year),
        "notice_number": with_year(source.notice_number, source.year, year),
        "contact": source.contact,
        "submission_deadline": shift_years(source.submission_deadline, 1),
        "ranking_deadline": shift_years(source.ranking_deadline, 1),
    }


@login_required
def campaign_new(request):
    """GET ?from=<year>: the clone form filled from that campaign; without: the official
    defaults. POST creates the campaign through the one service of each path."""
    _province_only(request)
    source = None
    source_year = request.GET.get("from") or request.POST.get("from")
    if source_year:
        if not (str(source_year).isascii() and str(source_year).isdigit() and len(str(source_year)) <= 4):
            raise Http404
        source = get_object_or_404(Campaign, year=int(source_year))
    form_class = CampaignCloneForm if source else CampaignNewForm
    if request.method == "POST":
        form = form_class(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            fields = {
                "actor": request.user,
                "year": data["year"],
                "title": data["title"],
                "notice_number": data["notice_number"],
                "contact": data["contact"],
                "submission_deadline": data["submission_deadline"],
                "ranking_deadline": data["ranking_deadline"],
            }
            try:
                if source:
                    campaign = campaign_clone(source=data["source"], **fields)
                else:
                    campaign = campaign_create_official(**fields)
            except (ValidationError, TransitionRefused, PermissionDenied) as refused:
                add_refusal(form, refused)
            else:
                messages.success(request, _("已创建%(year)d年度征集活动，请核对各项设置。") % {"year": campaign.year})
                return redirect("reviews:setup", year=campaign.year)
        status = 400
    else:
        year = Campaign.objects.order_by("-year").values_list("year", flat=True).first()
        form = form_class(initial=_clone_initial(source) if source else {"year": (year or 2023) + 1})
        status = 200
    return render(
        request,
        "reviews/setup/campaign_new.html",
        {"form": form, "source": source, "sources": Campaign.objects.order_by("-year")},
        status=status,
    )


def _settings_context(campaign, *, failed=None, failed_form=None):
    sections = []
    for section in SECTIONS:
        form = failed_form if failed is section else section.build(campaign)
        sections.append({"section": section, "form": form, "locked": section.locked(campaign)})
    history = CampaignSettingChange.objects.filter(campaign=campaign).select_related("actor")[:HISTORY_SHOWN]
    categories = campaign.categories.order_by("position", "id").annotate(versions=Count("schemas"))
    return {"campaign": campaign, "sections": sections, "history": history, "categories": categories}


@login_required
def settings_page(request, year: int):
    campaign = province_campaign(request, year)
    return render(request, "reviews/setup/settings.html", _settings_context(campaign))


def section_view(section):
    """The POST view of one section: validate its form, save through its service (which
    records the history), back to the page; errors beside the fields, nothing written."""

    @login_required
    @require_POST
    def view(request, year: int):
        campaign = province_campaign(request, year)
        form = section.build(campaign, request.POST)
        locked = section.locked(campaign)
        if locked:
            messages.error(request, locked)
            return redirect(f"{_settings_url(campaign)}#section-{section.key}")
        if form.is_valid():
            try:
                section.save(campaign, form, request.user)
            except (ValidationError, TransitionRefused, PermissionDenied) as refused:
                if hasattr(form, "add_error"):
                    add_refusal(form, refused)
                else:
                    form.errors.extend(getattr(refused, "messages", None) or [str(refused)])
            else:
                messages.success(request, _("「%(title)s」已保存。") % {"title": section.title})
                return redirect(f"{_settings_url(campaign)}#section-{section.key}")
        messages.error(request, _("「%(title)s」未保存，请按提示修改。") % {"title": section.title})
        context = _settings_context(campaign, failed=section, failed_form=form)
        return render(request, "reviews/setup/settings.html", context, status=400)

    view.__name__ = f"setup_{section.key}"
    return view


def _settings_url(campaign) -> str:
    return reverse("reviews:setup", args=[campaign.year])


SECTION_VIEWS = {section.key: section_view(section) for section in SECTIONS}


# --- the form-schema editor ---------------------------------------------------------


def _category(campaign, code: str) -> Category:
    return get_object_or_404(Category.objects.filter(campaign=campaign), code=code)


def _preview_context(definition: dict) -> dict:
    """The applicant's form for `definition`, empty, as the editor lays it out."""
    form = CaseContentForm(definition=definition)
    return {
        "definition": definition,
        "preview_form": form,
        "preview_sections": [(s, form["section__" + s["key"]]) for s in definition["sections"]],
        "figure_rows": [(spec, fields, na, rule, []) for spec, fields, na, rule in form.figure_rows()],
    }


@login_required
def schema_editor(request, year: int, code: str):
    campaign = province_campaign(request, year)
    category = _category(campaign, code)
    latest = category.schemas.order_by("-version").first()
    if latest is None:
        raise Http404
    in_use = latest.cases.count()
    status = 200
    if request.method == "POST":
        editor = SchemaEditor(latest.definition, request.POST)
        valid = editor.is_valid()
        if valid and request.POST.get("action") == "publish":
            try:
                schema = schema_publish(category=category, actor=request.user, definition=editor.definition())
            except (ValidationError, PermissionDenied) as refused:
                editor.errors.extend(getattr(refused, "messages", None) or [str(refused)])
            else:
                messages.success(
                    request,
                    _("已发布「%(name)s」申请表第%(version)d版：此后新建的案例使用新版本，已有案例保持原版本。")
                    % {"name": category.name, "version": schema.version},
                )
                return redirect("reviews:schema_editor", year=year, code=code)
        preview = _preview_context(editor.definition()) if valid and not editor.errors else None
        status = 200 if valid and not editor.errors else 400
    else:
        editor = SchemaEditor(latest.definition)
        preview = _preview_context(latest.definition)
    context = {
        "campaign": campaign,
        "category": category,
        "latest": latest,
        "in_use": in_use,
        "editor": editor,
        "preview": preview,
        "versions": category.schemas.annotate(case_count=Count("cases")).order_by("-version"),
    }
    return render(request, "reviews/setup/schema_editor.html", context, status=status)


@login_required
@require_POST
def schema_preview(request, year: int, code: str):
    """The live preview's fragment (fetched by the editor's script as the form changes)."""
    campaign = province_campaign(request, year)
    category = _category(campaign, code)
    latest = category.schemas.order_by("-version").first()
    if latest is None:
        raise Http404
    editor = SchemaEditor(latest.definition, request.POST)
    if editor.is_valid():
        html = render_to_string("reviews/setup/schema_preview.html", _preview_context(editor.definition()), request)
        return HttpResponse(html)
    html = render_to_string("reviews/setup/schema_preview_invalid.html", {"editor": editor}, request)
    return HttpResponse(html, status=400)
