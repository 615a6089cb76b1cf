"""The autosave's form (CaseContentForm.for_saving) validates exactly as the editor's
(CaseContentForm), from fields built once per form version and language and shared by
every request, which none of them changes."""

import copy

import pytest
from django.http import QueryDict
from django.utils import translation

from applications.forms import CaseContentForm
from applications.schema import official_definition
from core.text import counted_length


def _posted(definition, **changes) -> QueryDict:
    # Every field as an empty editor sends it (an unticked checkbox is not sent).
    data = {name: "" for name in CaseContentForm(definition=definition).fields if not name.endswith("__na")}
    data.update(changes)
    posted = QueryDict(mutable=True)
    for name, value in data.items():
        if value is True:
            posted[name] = "on"
        elif value is not False:
            posted[name] = value
    return posted


SENT = [
    {},
    {
        "title": "  一个　案例\t名称 ",
        "section__overview": "第一段。\r\n第二段\u200b",
        "header__contact_phone": "（0431）8581 6713",
    },
    {"title": "名" * 101},
    {"title": "含\x00空字符"},
    {"section__overview": "字" * 20_001},
    {"header__contact_name": "长" * 21},
    {"header__contact_email": "不是邮箱"},
    {"header__contact_phone": "电话号码"},
    {"figure__users": "1,286.50", "figure__accounts": "不是数字", "figure__income__na": True, "figure__income": "12"},
    {"figure__user_growth__before": "12", "figure__user_growth__after": "-3"},
    {"figure__expenditure__na": True},
    {"version": ""},
    {"version": "第三版"},
]


@pytest.mark.parametrize("changes", SENT)
def test_the_saving_form_says_what_the_editor_s_form_says(changes):
    definition = official_definition("platform")
    posted = _posted(definition, **{"version": "3", **changes})
    built = CaseContentForm(posted, definition=definition)
    shared = CaseContentForm.for_saving(posted, definition=definition)
    assert shared.is_valid() == built.is_valid()
    assert shared.errors.get_json_data() == built.errors.get_json_data()
    assert [shared[name].label for name in shared.errors] == [built[name].label for name in built.errors]
    if built.is_valid():
        assert shared.cleaned_data == built.cleaned_data
        assert shared.content() == built.content()


def test_one_class_per_form_version_content_and_language():
    definition = official_definition("platform")
    kept = type(CaseContentForm.for_saving({}, definition=definition))
    assert type(CaseContentForm.for_saving({}, definition=copy.deepcopy(definition))) is kept
    # Keyed by the definition's content, not by the id of a form version: a definition
    # changed in place (a test, a repair) gets a class of its own.
    changed = copy.deepcopy(definition)
    changed["sections"][0]["title"] = "改过的标题"
    other = CaseContentForm.for_saving({}, definition=changed)
    assert type(other) is not kept and other["section__overview"].label == "1. 改过的标题"
    # The class keeps its own copy: what a caller does to its dict later changes nothing.
    changed["sections"][0]["title"] = "又改了"
    assert CaseContentForm.for_saving({}, definition=changed)["section__overview"].label == "1. 又改了"
    assert type(CaseContentForm.for_saving({}, definition=definition)) is kept
    # The messages are put in the language of the request.
    with translation.override("en"):
        english = CaseContentForm.for_saving(
            _posted(definition, version="3", header__contact_name="长" * 21), definition=definition
        )
        assert type(english) is not kept
        assert not english.is_valid()
        message = english.errors["header__contact_name"][0]
    chinese = CaseContentForm.for_saving(
        _posted(definition, version="3", header__contact_name="长" * 21), definition=definition
    )
    assert not chinese.is_valid() and chinese.errors["header__contact_name"][0] != message


def test_validating_changes_no_shared_field():
    definition = official_definition("platform")
    form = CaseContentForm.for_saving(_posted(definition, version="3"), definition=definition)
    before = {name: (copy.copy(vars(field)), copy.copy(field.widget.attrs)) for name, field in form.fields.items()}
    for changes in SENT:
        sent = CaseContentForm.for_saving(_posted(definition, **{"version": "3", **changes}), definition=definition)
        sent.is_valid()
        [sent[name].label for name in sent.errors]
        assert sent.fields is form.fields
    after = {name: (vars(field), field.widget.attrs) for name, field in form.fields.items()}
    assert after == before
    with pytest.raises(TypeError):
        form.fields["extra"] = form.fields["title"]  # read-only


def test_the_count_is_the_one_of_the_editor():
    definition = official_definition("platform")
    form = CaseContentForm.for_saving(
        _posted(definition, version="3", section__overview="一二三 四\u200d五"), definition=definition
    )
    assert form.is_valid()
    assert counted_length(form.content()["sections"]["overview"]) == 5
