"""Phones and e-mails of a case's contacts in full only for those who need them: the
unit, its authority and the province's administrator; masked for an expert, on the
scoring page and in the application form it downloads (#10, item 9)."""

import io

import docx
import pytest
from django.urls import reverse

from core.privacy import mask_email, mask_phone
from reviews.models import ExpertAssignment
from tests.factories import complete_content, make_case, put_in_state

PHONE, EMAIL = "13912345678", "wang.xm@jltv.cn"


def test_masks():
    assert mask_phone("13912345678") == "139****5678"
    assert mask_phone("0431-85816713") == "0431-****6713"
    assert mask_phone("123") == "***"
    assert mask_email("wang.xm@jltv.cn") == "w***@jltv.cn"
    assert mask_email("not-an-address") == "**************"


@pytest.fixture
def open_case(cast):
    """A case of unit A in a round that is not anonymous, its expert assigned."""
    definition = cast.campaign.categories.get(code="platform").schemas.latest().definition
    header = {**complete_content(definition)["header"], "contact_phone": PHONE, "contact_email": EMAIL}
    case = put_in_state(
        make_case(campaign=cast.campaign, applicant=cast.applicant_a, header=header),
        "in_expert_review",
        expert=cast.expert_assigned,
    )
    assignment = ExpertAssignment.objects.get(case=case, expert=cast.expert_assigned)
    assignment.stage.blind = False
    assignment.stage.save(update_fields=["blind"])
    return case, assignment


@pytest.mark.parametrize("user", ["applicant_a", "reviewer_a", "province_admin"])
def test_the_unit_its_authority_and_the_province_see_them_in_full(client, cast, open_case, user):
    case, _assignment = open_case
    client.force_login(getattr(cast, user))
    page = client.get(reverse("case_detail", args=[case.pk])).content.decode()
    assert PHONE in page and EMAIL in page


def test_an_expert_sees_them_masked_on_the_page_and_in_the_form(client, cast, open_case):
    case, assignment = open_case
    client.force_login(cast.expert_assigned)
    page = client.get(reverse("reviews:score", args=[assignment.pk])).content.decode()
    assert "139****5678" in page and "w***@jltv.cn" in page
    assert PHONE not in page and EMAIL not in page
    response = client.get(reverse("case_docx", args=[case.pk]))
    text = "\n".join(
        cell.text
        for table in docx.Document(io.BytesIO(response.content)).tables
        for row in table.rows
        for cell in row.cells
    )
    assert "139****5678" in text and PHONE not in text and EMAIL not in text, text[200:900]
    case.refresh_from_db()
    assert case.header["contact_phone"] == PHONE  # nothing saved
