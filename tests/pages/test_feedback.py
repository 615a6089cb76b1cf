"""Feedback beside the control that caused it: a refused upload's reason stands next
to the upload field (the page reloads at #attachments), not 3,500 px above it."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tests.factories import make_case

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def test_a_refused_upload_is_reported_beside_the_upload_field(client, cast):
    draft = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(
        reverse("attachment_upload", args=[draft.pk]),
        {"file": SimpleUploadedFile("report.pdf", EXE), "kind": "evidence", "description": ""},
    )
    assert response["Location"].endswith("#attachments")
    page = client.get(response["Location"]).content.decode()
    section = page.index('id="attachments"')
    upload_form = page.index(reverse("attachment_upload", args=[draft.pk]))
    alerts = [i for i in range(len(page)) if page.startswith('class="alert alert-danger', i)]
    assert alerts, "the refusal is shown"
    assert all(section < i < upload_form for i in alerts), "every refusal stands beside the upload field"


def test_a_refused_link_is_reported_beside_the_link_form(client, cast):
    draft = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    client.post(reverse("link_create", args=[draft.pk]), {"title": "", "url": "notaurl"})
    page = client.get(reverse("case_edit", args=[draft.pk])).content.decode()
    links_heading = page.index("网盘链接</h3>")
    link_form = page.index(reverse("link_create", args=[draft.pk]))
    alert = page.index('class="alert alert-danger')
    assert links_heading < alert < link_form


def _autofocused_buttons(page: str) -> list[str]:
    import re

    return re.findall(r'<button[^>]*form="(step-\d+-(?:up|down))"[^>]*autofocus', page)


def test_after_a_move_the_moved_rows_button_has_the_focus(client, cast, case_at):
    from applications.models import Case

    cases = [case_at("recommended") for _ in range(3)]
    a, b, c = (case.pk for case in cases)
    assert Case.objects.filter(pk__in=[a, b, c], state="recommended").count() == 3
    client.force_login(cast.reviewer_a)
    response = client.post(reverse("reviews:ranking_step", args=[2024]), {"case": c, "direction": "up"})
    assert response["Location"].endswith(f"?moved={c}&direction=up#case-{c}")
    page = client.get(response["Location"]).content.decode()
    assert _autofocused_buttons(page) == [f"step-{c}-up"]
    assert f'id="case-{c}" data-case="{c}" class="row-moved"' in page
    # Moved to the top, its 上移 is disabled: the focus goes to its 下移.
    response = client.post(reverse("reviews:ranking_step", args=[2024]), {"case": c, "direction": "up"})
    assert _autofocused_buttons(client.get(response["Location"]).content.decode()) == [f"step-{c}-down"]
    # A page opened plainly focuses nothing.
    assert _autofocused_buttons(client.get(reverse("reviews:ranking", args=[2024])).content.decode()) == []
