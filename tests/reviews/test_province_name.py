"""The province's name and the campaign's contact come from the data: the titles of the
documents, their file names, and every page's header and footer."""

import pytest
from django.urls import reverse

from accounts.enums import OrgKind
from accounts.models import Organisation
from accounts.selectors import province_name, province_region
from reviews.outcome.announcement_documents import announcement_filename
from reviews.outcome.nrta_documents import nrta_list_document
from reviews.outcome.nrta_package import package_filename
from reviews.ranking.documents import ranking_document, ranking_filename
from reviews.ranking.services import table_for


@pytest.mark.parametrize(
    ("bureau", "region"),
    [
        ("吉林省广播电视局", "吉林省"),
        ("内蒙古自治区广播电视局", "内蒙古自治区"),
        ("北京市广播电视局", "北京市"),
        ("广电局", "广电局"),
        ("", ""),
    ],
)
def test_the_region_is_the_province_the_bureau_is_named_after(bureau, region):
    assert province_region(bureau) == region


def test_documents_are_titled_after_the_province_in_the_data(cast, case_at):
    case_at("recommended")
    Organisation.objects.filter(kind=OrgKind.PROVINCE).update(name="黑龙江省广播电视局")
    table = table_for(campaign=cast.campaign, authority=cast.city_a)

    assert province_name() == "黑龙江省广播电视局"
    assert ranking_document(table).title == "黑龙江省2024年广播电视媒体融合典型案例推荐排序表"
    assert ranking_filename(table, "pdf") == "黑龙江省2024年广播电视媒体融合典型案例推荐排序表-长春市文广旅局.pdf"
    assert announcement_filename(cast.campaign, "xlsx") == "黑龙江省2024年广播电视媒体融合典型案例名单.xlsx"
    assert package_filename(cast.campaign) == "黑龙江省2024年广播电视媒体融合典型案例推荐材料.zip"
    nrta = nrta_list_document(cast.campaign)
    assert nrta.title == "黑龙江省2024年广播电视媒体融合典型案例推荐名单（报国家广播电视总局）"
    assert nrta.province_name == "黑龙江省广播电视局"


def test_pages_name_the_province_and_the_campaigns_contact(client, cast):
    client.force_login(cast.applicant_a)
    page = client.get(reverse("dashboard")).content.decode()
    assert '<span class="gov-subtitle">吉林省广播电视局</span>' in page
    assert "<span>吉林省广播电视局</span>" in page  # no contact given yet: the bureau itself

    cast.campaign.contact = "吉林省广播电视局媒体融合发展处，0431-85816713"
    cast.campaign.save(update_fields=["contact"])
    page = client.get(reverse("dashboard")).content.decode()
    assert "<span>吉林省广播电视局媒体融合发展处，0431-85816713</span>" in page
