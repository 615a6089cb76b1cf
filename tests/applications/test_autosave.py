"""The autosave is the deadline rush's request: one conditioned write of the case (the
page names its form version; a page that does not has the case read first), and nothing
weaker than before (no lost save, no overwrite of a newer one, no write without the
right to edit at the moment of writing, nothing told to whoever may not see the case)."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from applications.forms import CaseContentForm
from applications.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission
from applications.services import StaleEdit, case_save_content
from tests.factories import make_case


def _post_data(case, **changes):
    """What the editor's page sends: its fields and the form version it was built on."""
    return {**CaseContentForm.initial_for(case), "schema": case.schema_id, **changes}


def _page_without_form_version(case, **changes):
    data = _post_data(case, **changes)
    del data["schema"]
    return data


def _content(case, **changes):
    return {
        "title": case.title,
        "header": case.header,
        "sections": case.sections,
        "figures": case.figures,
        **changes,
    }


def _take_away_editing(case):
    for model in (CaseUserObjectPermission, CaseGroupObjectPermission):
        model.objects.filter(content_object=case, permission__codename="change_case").delete()


@pytest.fixture
def draft(cast):
    return make_case(campaign=cast.campaign, applicant=cast.applicant_a, complete=False)


def _statements(queries):
    return [q["sql"] for q in queries.captured_queries if not q["sql"].upper().startswith(("SAVEPOINT", "RELEASE"))]


def test_an_autosave_writes_the_case_in_one_statement_and_reads_nothing_of_it(client, cast, draft):
    client.force_login(cast.applicant_a)
    client.post(reverse("case_autosave", args=[draft.pk]), _post_data(draft, section__overview="一"))  # warm
    draft.refresh_from_db()
    data = _post_data(draft, section__overview="二")
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("case_autosave", args=[draft.pk]), data)
    assert response.status_code == 200
    statements = _statements(queries)
    on_case = [sql for sql in statements if '"applications_case"' in sql.split(" WHERE ")[0]]
    assert [sql.split()[0] for sql in on_case] == ["UPDATE"]
    # The rights, the form version and the stamped scan are asked inside it, not on their own.
    assert "auth_permission" in on_case[0] and '"schema_id"' in on_case[0] and "RETURNING" in on_case[0]
    assert not [sql for sql in statements if sql not in on_case and "auth_permission" in sql]
    assert not [sql for sql in statements if "applications_formschema" in sql]  # read once per process
    assert len(statements) <= 5, statements  # session, user, organisation, update (+ session touch)
    assert response.json()["version"] == draft.version + 1
    assert Case.objects.get(pk=draft.pk).sections["overview"] == "二"


def test_a_page_without_its_form_version_has_the_case_read_first(client, cast, draft):
    """A page loaded before the editor named its form version (open during an upgrade)."""
    client.force_login(cast.applicant_a)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            reverse("case_autosave", args=[draft.pk]), _page_without_form_version(draft, section__overview="二")
        )
    assert response.status_code == 200
    on_case = [sql for sql in _statements(queries) if '"applications_case"' in sql.split(" WHERE ")[0]]
    # The read asks no rights, the write does.
    assert [(sql.split()[0], "auth_permission" in sql) for sql in on_case] == [("SELECT", False), ("UPDATE", True)]
    assert Case.objects.get(pk=draft.pk).sections["overview"] == "二"


@pytest.mark.parametrize("named", ["", "甲", "-1", "0", "1.5", str(2**63), "9" * 30])
def test_a_form_version_that_names_none_is_as_if_the_page_named_none(client, cast, draft, named):
    client.force_login(cast.applicant_a)
    response = client.post(
        reverse("case_autosave", args=[draft.pk]), _post_data(draft, schema=named, section__overview="二")
    )
    assert response.status_code == 200
    assert Case.objects.get(pk=draft.pk).sections["overview"] == "二"


def test_a_page_naming_another_form_version_writes_nothing(client, cast, draft):
    """Only a forged page names a form version that is not its case's (a case keeps the
    version it was created on): checked against that version, the write finds the case
    is not on it and writes nothing."""
    from applications.services import schema_add_version

    definition = draft.schema.definition
    other = schema_add_version(
        category=draft.category,
        definition={**definition, "sections": [dict(s, required=False) for s in definition["sections"]]},
    )
    client.force_login(cast.applicant_a)
    response = client.post(
        reverse("case_autosave", args=[draft.pk]), _post_data(draft, schema=other.pk, section__overview="伪造")
    )
    assert response.status_code == 409 and response.json()["version"] == draft.version
    stored = Case.objects.get(pk=draft.pk)
    assert (stored.version, stored.sections, stored.schema_id) == (draft.version, draft.sections, draft.schema_id)


def test_a_case_number_beyond_any_id_is_not_found(client, cast, draft):
    client.force_login(cast.applicant_a)
    response = client.post(f"/cases/{2**63}/autosave/", _post_data(draft))
    assert response.status_code == 404


def test_a_save_without_a_read_comes_back_as_the_database_holds_the_case(cast, draft):
    from applications.enums import AttachmentKind
    from applications.models import Attachment
    from applications.selectors import form_schema

    Attachment.objects.create(
        case=draft,
        kind=AttachmentKind.STAMPED_SCAN,
        file="x.pdf",
        original_name="x.pdf",
        content_type="application/pdf",
        size=1,
        uploaded_by=cast.applicant_a,
    )
    schema = form_schema(draft.schema_id)
    with CaptureQueriesContext(connection) as queries:
        saved = case_save_content(
            pk=draft.pk,
            schema=schema,
            actor=cast.applicant_a,
            expected_version=draft.version,
            **_content(draft, sections={**draft.sections, "overview": "不读而存"}),
        )
        assert saved.has_stamped_scan is True
        assert (saved.state, saved.campaign_id, saved.category_id, saved.unit_id, saved.authority_id) == (
            draft.state,
            draft.campaign_id,
            draft.category_id,
            draft.unit_id,
            draft.authority_id,
        )
    assert [sql.split()[0] for sql in _statements(queries)] == ["UPDATE"]
    stored = Case.objects.get(pk=draft.pk)
    for field in ("title", "title_key", "header", "sections", "figures", "version", "updated_at", "schema_id"):
        assert getattr(saved, field) == getattr(stored, field), field
    assert saved.created_at == stored.created_at  # not written: read when asked
    with pytest.raises(StaleEdit):  # the version it was at
        case_save_content(
            pk=draft.pk, schema=schema, actor=cast.applicant_a, expected_version=draft.version, **_content(draft)
        )
    with pytest.raises(PermissionDenied):  # a case that is not there
        case_save_content(
            pk=draft.pk + 10_000, schema=schema, actor=cast.applicant_a, expected_version=1, **_content(draft)
        )


def test_each_process_reads_a_form_version_once_and_forgets_one_written_again(cast, draft, django_assert_num_queries):
    from applications import selectors
    from applications.models import FormSchema
    from applications.selectors import form_schema

    selectors._FORM_SCHEMAS.clear()  # as a process that has read none
    with django_assert_num_queries(1):
        assert form_schema(draft.schema_id).definition == draft.schema.definition
        assert form_schema(str(draft.schema_id)).definition == draft.schema.definition
    with django_assert_num_queries(1):
        assert form_schema(draft.schema_id + 10_000) is None
    with django_assert_num_queries(0):
        for nothing in (None, "", "甲", 0, -1, 2**63):
            assert form_schema(nothing) is None
    # An id written again (SQLite gives back the ids of a rolled-back transaction), or
    # a version deleted: forgotten, read again.
    schema = FormSchema.objects.get(pk=draft.schema_id)
    schema.definition = {**schema.definition, "narrative_limit": 1234}
    schema.save()
    assert form_schema(draft.schema_id).definition["narrative_limit"] == 1234
    extra = FormSchema.objects.create(category=draft.category, version=99, definition=schema.definition)
    assert form_schema(extra.pk) is not None
    extra.delete()
    assert form_schema(extra.pk) is None


def test_the_saved_case_comes_back_as_the_database_holds_it(cast, draft):
    saved = case_save_content(
        case=draft,
        actor=cast.applicant_a,
        expected_version=draft.version,
        **_content(draft, title=" 新的 名称 ", sections={**draft.sections, "overview": "改写。\r\n第二行"}),
    )
    stored = Case.objects.get(pk=draft.pk)
    for field in ("title", "title_key", "header", "sections", "figures", "version", "updated_at"):
        assert getattr(saved, field) == getattr(stored, field), field
    assert stored.sections["overview"] == "改写。\n第二行"


def test_a_right_taken_away_after_the_editor_loaded_refuses_the_save(client, cast, draft):
    client.force_login(cast.applicant_a)
    data = _post_data(draft, section__overview="不应保存")
    _take_away_editing(draft)
    response = client.post(reverse("case_autosave", args=[draft.pk]), data)
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    # The service asks in its UPDATE too: a caller that checked earlier cannot write.
    with pytest.raises(PermissionDenied):
        case_save_content(
            case=draft, actor=cast.applicant_a, expected_version=draft.version, **_content(draft, title="新名称")
        )
    stored = Case.objects.get(pk=draft.pk)
    assert (stored.version, stored.sections, stored.title) == (draft.version, draft.sections, draft.title)


def test_stale_and_refused_are_told_apart(cast, draft):
    newer = case_save_content(
        case=draft,
        actor=cast.applicant_a,
        expected_version=draft.version,
        **_content(draft, sections={**draft.sections, "overview": "另一个标签页"}),
    )
    with pytest.raises(StaleEdit) as stale:
        case_save_content(
            case=draft,
            actor=cast.applicant_a,
            expected_version=newer.version - 1,
            **_content(draft, sections={**draft.sections, "overview": "旧页面"}),
        )
    assert stale.value.current_version == newer.version
    # Someone without the right learns nothing of the version, nor of a name in use.
    other = make_case(campaign=cast.campaign, applicant=cast.applicant_a, title="已有的名称", complete=False)
    for version in (newer.version, newer.version - 1):
        with pytest.raises(PermissionDenied):
            case_save_content(case=other, actor=cast.applicant_b, expected_version=version, **_content(draft))
    assert Case.objects.get(pk=draft.pk).sections["overview"] == "另一个标签页"


def test_a_name_in_use_is_still_refused_by_the_autosave_with_nothing_written(client, cast, draft):
    make_case(campaign=cast.campaign, applicant=cast.applicant_a, title="同名案例", complete=False)
    client.force_login(cast.applicant_a)
    response = client.post(
        reverse("case_autosave", args=[draft.pk]), _post_data(draft, title="同名案例", section__overview="新内容")
    )
    assert response.status_code == 400 and "同名案例" in response.json()["message"]
    stored = Case.objects.get(pk=draft.pk)
    assert (stored.version, stored.sections) == (draft.version, draft.sections)


def test_a_right_that_goes_between_the_read_and_the_write_is_answered_in_json(client, cast, draft, monkeypatch):
    from applications.views import editor

    read = editor.case_for_saving

    def read_then_lose_the_right(**kwargs):
        case = read(**kwargs)
        _take_away_editing(case)  # as if the case were submitted from another tab now
        return case

    monkeypatch.setattr(editor, "case_for_saving", read_then_lose_the_right)
    client.force_login(cast.applicant_a)
    response = client.post(
        reverse("case_autosave", args=[draft.pk]), _page_without_form_version(draft, section__overview="迟到的")
    )
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    stored = Case.objects.get(pk=draft.pk)
    assert (stored.version, stored.sections) == (draft.version, draft.sections)


def test_the_read_for_saving_answers_the_rights_and_defers_the_rest(cast, draft, django_assert_num_queries):
    from applications.selectors import case_for_saving

    with django_assert_num_queries(1):
        case = case_for_saving(user=cast.applicant_a, pk=draft.pk)
        assert (case.may_view, case.may_change, case.has_stamped_scan) == (True, True, False)
        assert (case.version, case.state, case.unit_id, case.campaign_id) == (
            draft.version,
            draft.state,
            draft.unit_id,
            draft.campaign_id,
        )
        assert case.schema.definition == draft.schema.definition
    assert case.title == draft.title  # deferred: read when asked
    other = case_for_saving(user=cast.applicant_b, pk=draft.pk)
    assert (other.may_view, other.may_change) == (False, False)
    assert case_for_saving(user=cast.applicant_a, pk=draft.pk + 10_000) is None
    assert case_for_saving(user=cast.applicant_a, pk=2**63) is None  # beyond any id: no query


def test_outside_a_transaction_a_name_in_use_is_refused_and_the_connection_goes_on(transactional_db, cast, draft):
    # In autocommit (a server's request) the UPDATE runs without a transaction of its own.
    from django.core.exceptions import ValidationError

    make_case(campaign=cast.campaign, applicant=cast.applicant_a, title="同名案例", complete=False)
    assert not connection.in_atomic_block
    with pytest.raises(ValidationError):
        case_save_content(
            case=draft, actor=cast.applicant_a, expected_version=draft.version, **_content(draft, title="同名案例")
        )
    stored = Case.objects.get(pk=draft.pk)
    assert (stored.version, stored.title) == (draft.version, draft.title)
    version = draft.version
    case_save_content(
        case=draft, actor=cast.applicant_a, expected_version=version, **_content(draft, title="另一个名称")
    )
    assert Case.objects.get(pk=draft.pk).version == version + 1


SENT = {
    "valid": {"section__overview": "新内容"},
    "valid, no form version": {"section__overview": "新内容", "schema": ""},
    "valid, no such form version": {"section__overview": "新内容", "schema": "99999999"},
    "invalid": {"header__contact_name": "长" * 21, "figure__users": "很多"},
    "stale": {"section__overview": "旧页面", "version": 0},
    "name in use": {"title": "同名案例"},
    "no version": {"version": ""},
}


@pytest.mark.parametrize("sent", SENT)
def test_whoever_may_not_see_the_case_learns_nothing_of_it_whatever_they_send(client, cast, draft, sent):
    # The autosave's read asks no rights (its write does): every refusal asks them first.
    make_case(campaign=cast.campaign, applicant=cast.applicant_a, title="同名案例", complete=False)
    data = {**_post_data(draft), **SENT[sent]}
    for user in (cast.applicant_b, cast.reviewer_a, cast.expert_assigned):
        client.force_login(user)
        response = client.post(reverse("case_autosave", args=[draft.pk]), data)
        assert response.status_code == 404, (user, response.content)
        assert "同名案例" not in response.content.decode() and "联系人" not in response.content.decode()
    client.force_login(cast.applicant_a)
    assert client.post(reverse("case_autosave", args=[draft.pk + 10_000]), data).status_code == 404
    stored = Case.objects.get(pk=draft.pk)
    assert (stored.version, stored.sections, stored.title) == (draft.version, draft.sections, draft.title)


@pytest.mark.parametrize("sent", SENT)
def test_who_may_see_but_not_edit_is_refused_whatever_they_send(client, cast, draft, sent):
    make_case(campaign=cast.campaign, applicant=cast.applicant_a, title="同名案例", complete=False)
    _take_away_editing(draft)
    client.force_login(cast.applicant_a)
    response = client.post(reverse("case_autosave", args=[draft.pk]), {**_post_data(draft), **SENT[sent]})
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    stored = Case.objects.get(pk=draft.pk)
    assert (stored.version, stored.sections, stored.title) == (draft.version, draft.sections, draft.title)


def test_the_answer_says_the_time_of_the_save_as_the_editor_shows_it(client, cast, draft):
    from django.utils import timezone
    from django.utils.formats import date_format

    client.force_login(cast.applicant_a)
    answer = client.post(reverse("case_autosave", args=[draft.pk]), _post_data(draft, section__overview="一")).json()
    stored = Case.objects.get(pk=draft.pk)
    assert answer["saved_at"] == date_format(timezone.localtime(stored.updated_at), "H:i:s")
    assert answer["version"] == stored.version == draft.version + 1


@pytest.mark.parametrize("version", ["9999999999999999999999999", str(2**63), "-1"])
def test_a_version_no_page_could_hold_is_refused_as_invalid_with_nothing_written(client, cast, draft, version):
    """Beyond what the database can compare (SQLite: a 500 before), by the autosave and
    by the editor's own save: refused with the page's message, the case unchanged."""
    client.force_login(cast.applicant_a)
    data = {**_post_data(draft), "section__overview": "伪造的版本", "version": version}
    response = client.post(reverse("case_autosave", args=[draft.pk]), data)
    assert response.status_code == 400
    assert "页面版本号无效" in response.json()["message"]
    response = client.post(reverse("case_edit", args=[draft.pk]), data)
    assert response.status_code == 400
    assert Case.objects.get(pk=draft.pk).sections == draft.sections
