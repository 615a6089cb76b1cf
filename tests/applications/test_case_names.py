"""A case's name: unique per unit and campaign on a normalised key (NFKC, no whitespace,
case folded), in the database as well as in the services and forms; at most 100
characters, refused with the count, never cut and never a database error."""

import threading
import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, connections, transaction
from django.urls import reverse

from applications.forms import CaseContentForm
from applications.models import Case
from applications.services import case_create, case_save_content
from core.text import comparison_key
from tests.factories import make_case, open_campaign

EXISTING = "ABC融媒 案例"
DUPLICATE_MESSAGE = f"本单位在本次征集中已有同名案例「{EXISTING}」，请修改案例名称。"

SAME_NAMES = {
    "exact": EXISTING,
    "padded": f"  {EXISTING}\u3000",
    "inner spaces": "A B C 融 媒案例",
    "full-width": "ＡＢＣ融媒\u3000案例",
    "lower case": "abc融媒案例",
    "NFD": unicodedata.normalize("NFD", "ABC融媒案例"),
}


def test_comparison_key():
    assert comparison_key("ＡＢＣ案例") == comparison_key("ABC案例") == "abc案例"
    assert comparison_key(" 融媒\t案例\u3000") == comparison_key("融媒案例")
    assert comparison_key("caf\u0065\u0301") == comparison_key("café")
    assert comparison_key("\u200b") == ""


def _category(cast):
    return cast.campaign.categories.get(code="platform")


@pytest.mark.parametrize("name", SAME_NAMES.values(), ids=SAME_NAMES.keys())
def test_the_same_name_is_refused_by_the_page_naming_the_existing_case(client, cast, name):
    make_case(campaign=cast.campaign, applicant=cast.applicant_a, title=EXISTING, complete=False)
    before = Case.objects.count()
    client.force_login(cast.applicant_a)
    response = client.post(reverse("case_new"), {"title": name, "category": _category(cast).pk}, follow=True)
    assert response.status_code == 200
    assert DUPLICATE_MESSAGE in response.content.decode()
    assert Case.objects.count() == before


@pytest.mark.parametrize("name", SAME_NAMES.values(), ids=SAME_NAMES.keys())
def test_the_same_name_is_refused_by_the_service(cast, name):
    make_case(campaign=cast.campaign, applicant=cast.applicant_a, title=EXISTING, complete=False)
    before = Case.objects.count()
    # Another category of the same campaign is the same campaign.
    category = cast.campaign.categories.get(code="production")
    with pytest.raises(ValidationError) as refused:
        case_create(campaign=cast.campaign, category=category, actor=cast.applicant_a, title=name)
    assert refused.value.messages == [DUPLICATE_MESSAGE]
    assert Case.objects.count() == before


def test_another_unit_or_campaign_may_use_the_name(cast):
    first = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title=EXISTING, complete=False)
    other_unit = make_case(campaign=cast.campaign, applicant=cast.applicant_b, title="ＡＢＣ融媒案例", complete=False)
    other_campaign = make_case(campaign=open_campaign(year=2025), applicant=cast.applicant_a, title=EXISTING)
    assert first.title_key == other_unit.title_key == other_campaign.title_key == "abc融媒案例"
    assert Case.objects.filter(title_key="abc融媒案例").count() == 3


def _post_data(case, **changes):
    data = dict(CaseContentForm.initial_for(case))
    data.update(changes)
    return data


@pytest.mark.parametrize("url_name", ["case_edit", "case_autosave"])
def test_renaming_to_a_siblings_name_is_refused_and_nothing_saved(client, cast, url_name):
    make_case(campaign=cast.campaign, applicant=cast.applicant_a, title=EXISTING, complete=False)
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title="另一个案例", complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(
        reverse(url_name, args=[case.pk]), _post_data(case, title="ＡＢＣ 融媒案例", section__overview="新写的内容")
    )
    assert response.status_code == 400
    body = response.json()["message"] if url_name == "case_autosave" else response.content.decode()
    assert DUPLICATE_MESSAGE in body
    saved = Case.objects.get(pk=case.pk)
    assert (saved.title, saved.title_key, saved.version) == ("另一个案例", "另一个案例", case.version)
    assert saved.sections == case.sections


def test_renaming_keeps_the_key_and_the_own_name_may_be_respelled(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title=EXISTING, complete=False)
    case = case_save_content(
        case=case,
        actor=cast.applicant_a,
        expected_version=case.version,
        title="ＡＢＣ融媒案例",
        header={},
        sections={},
        figures={},
    )
    assert (case.title, case.title_key) == ("ＡＢＣ融媒案例", "abc融媒案例")
    case = case_save_content(
        case=case,
        actor=cast.applicant_a,
        expected_version=case.version,
        title="新名称",
        header={},
        sections={},
        figures={},
    )
    assert case.title_key == "新名称"
    # Unnamed drafts never collide with each other.
    for _ in range(2):
        draft = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title="未命名", complete=False)
        case_save_content(
            case=draft,
            actor=cast.applicant_a,
            expected_version=draft.version,
            title="",
            header={},
            sections={},
            figures={},
        )
    assert Case.objects.filter(unit=cast.unit_a, title_key="").count() == 2


def test_a_title_over_100_characters_is_refused_with_the_count(client, cast):
    client.force_login(cast.applicant_a)
    before = Case.objects.count()
    title = "案" * 101
    response = client.post(reverse("case_new"), {"title": title, "category": _category(cast).pk})
    assert response.status_code == 200
    assert "案例名称不能超过100字（当前101字）。" in response.content.decode()
    response = client.post(reverse("case_new"), {"title": "字" * 2000, "category": _category(cast).pk})
    assert "案例名称不能超过100字（当前2000字）。" in response.content.decode()
    with pytest.raises(ValidationError, match="当前101字"):
        case_create(campaign=cast.campaign, category=_category(cast), actor=cast.applicant_a, title=title)
    assert Case.objects.count() == before
    # Exactly 100 (after trimming) is fine.
    response = client.post(reverse("case_new"), {"title": f"  {'案' * 100}  ", "category": _category(cast).pk})
    assert response.status_code == 302 and Case.objects.latest("pk").title == "案" * 100


def test_the_editor_refuses_a_long_title_with_the_count(client, cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(reverse("case_autosave", args=[case.pk]), _post_data(case, title="名" * 150))
    assert response.status_code == 400 and "案例名称不能超过100字（当前150字）。" in response.json()["message"]
    response = client.post(reverse("case_edit", args=[case.pk]), _post_data(case, title="名" * 150))
    assert response.status_code == 400 and "案例名称不能超过100字（当前150字）。" in response.content.decode()
    assert Case.objects.get(pk=case.pk).title == case.title


def test_the_pages_state_the_limit_and_never_cut_the_title(client, cast):
    client.force_login(cast.applicant_a)
    page = client.get(reverse("case_new")).content.decode()
    title_input = page[page.index('<input id="title"') :].split(">", 1)[0]
    assert "maxlength" not in title_input and "不超过100字" in page
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)
    page = client.get(reverse("case_edit", args=[case.pk])).content.decode()
    title_input = page[page.index('name="title"') :].split(">", 1)[0]
    assert "maxlength" not in title_input and "不超过100字" in page


def test_an_empty_title_is_refused_on_creation(client, cast):
    client.force_login(cast.applicant_a)
    before = Case.objects.count()
    response = client.post(reverse("case_new"), {"title": " \u3000\u200b", "category": _category(cast).pk})
    assert "请填写案例名称。" in response.content.decode() and Case.objects.count() == before


def test_the_database_refuses_two_cases_with_one_key(cast):
    case = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title=EXISTING, complete=False)
    copy = Case.objects.get(pk=case.pk)
    copy.pk = None
    copy.title = "ＡＢＣ 融媒案例"
    with pytest.raises(IntegrityError), transaction.atomic():
        copy.save()
    # Bypassing save() as well: the constraint is the database's.
    copy.pk = None
    with pytest.raises(IntegrityError), transaction.atomic():
        Case.objects.bulk_create([copy])
    assert Case.objects.filter(unit=cast.unit_a, campaign=cast.campaign).count() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs two real connections at once")
def test_two_tabs_creating_the_same_name_at_once_make_one_case(cast):
    # Both requests may pass the check before either writes: the constraint decides,
    # and the loser is told in the same words as by the check.
    category = _category(cast)
    barrier = threading.Barrier(2)
    outcomes = {}

    def create(name, title):
        try:
            barrier.wait(timeout=10)
            case_create(campaign=cast.campaign, category=category, actor=cast.applicant_a, title=title)
            outcomes[name] = "ok"
        except ValidationError as refused:
            outcomes[name] = refused.messages[0]
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=create, args=("first", "ABC融媒案例")),
        threading.Thread(target=create, args=("second", "ＡＢＣ融媒 案例")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["first", "second"]
    assert list(outcomes.values()).count("ok") == 1
    loser = next(message for message in outcomes.values() if message != "ok")
    assert loser.startswith("本单位在本次征集中已有同名案例「") and loser.endswith("」，请修改案例名称。")
    assert Case.objects.filter(unit=cast.unit_a, campaign=cast.campaign).count() == 1


def test_the_migration_fills_keys_and_never_fails_on_existing_duplicates(cast):
    from importlib import import_module

    from django.apps import apps

    fill_title_keys = import_module("applications.migrations.0005_case_title_key").fill_title_keys
    first = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title=EXISTING, complete=False)
    second = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title="第二个", complete=False)
    other_unit = make_case(campaign=cast.campaign, applicant=cast.applicant_b, title=EXISTING, complete=False)
    # As before the rule: the same name twice in one unit and campaign, no keys yet.
    Case.objects.filter(pk=second.pk).update(title="ＡＢＣ 融媒案例")
    Case.objects.update(title_key="")
    fill_title_keys(apps, None)
    keys = dict(Case.objects.values_list("pk", "title_key"))
    assert keys[first.pk] == keys[other_unit.pk] == "abc融媒案例"
    assert keys[second.pk] == f"abc融媒案例（{second.pk}）"
    assert Case.objects.get(pk=second.pk).title == "ＡＢＣ 融媒案例"  # titles untouched
