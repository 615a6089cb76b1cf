from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from accounts.enums import OrgKind, Role, UnitType
from accounts.models import User
from applications.enums import CampaignPhase
from reviews.experts.services import assignment_create
from reviews.ranking.services import ranking_scan_upload, ranking_submit, table_for
from tests.factories import (
    OrganisationFactory,
    UnitFactory,
    UserFactory,
    close_submissions,
    make_case,
    natural_phase,
    open_campaign,
    open_first_stage,
    pdf_upload,
    province_org,
    put_in_state,
    set_phase,
    submit_review,
)
from workflow.services import apply_transition


@pytest.fixture
def cast(db):
    return build_cast()


def build_cast() -> SimpleNamespace:
    """The fixed cast of the conventions: two cities, their applicants and reviewers,
    the province (its administrator, its reviewer of the provincial units, a provincial
    unit and its applicant), an assigned and an unassigned expert, the expert of a
    second round, and the three administrators of the separation of duties (三权分立)
    in their organisation 系统运维 (login names as `create_admins` makes them; the
    system administrator is staff, for the admin's organisations and accounts)."""
    province = province_org()
    city_a = OrganisationFactory(name="长春市文广旅局", code="changchun", kind=OrgKind.AUTHORITY)
    city_b = OrganisationFactory(name="吉林市文广旅局", code="jilin-city", kind=OrgKind.AUTHORITY)
    unit_a = UnitFactory(name="九台区融媒体中心", code="jiutai", authority=city_a)
    unit_b = UnitFactory(name="桦甸市融媒体中心", code="huadian", authority=city_b)
    unit_p = UnitFactory(name="吉林广播电视台", code="jltv", authority=province, unit_type=UnitType.STATION)
    pool = OrganisationFactory(name="评审专家库", code="experts", kind=OrgKind.EXPERT_POOL)
    operations = OrganisationFactory(name="运维中心", code="ops", kind=OrgKind.OPERATIONS)
    system_admin = UserFactory(username="sysadmin", organisation=operations, role=Role.SYSTEM_ADMIN)
    User.objects.filter(pk=system_admin.pk).update(is_staff=True)
    system_admin.is_staff = True
    return SimpleNamespace(
        campaign=open_campaign(),
        province=province,
        city_a=city_a,
        city_b=city_b,
        unit_a=unit_a,
        unit_b=unit_b,
        unit_p=unit_p,
        applicant_a=UserFactory(username="applicant_a", organisation=unit_a, role=Role.APPLICANT),
        applicant_b=UserFactory(username="applicant_b", organisation=unit_b, role=Role.APPLICANT),
        applicant_p=UserFactory(username="applicant_p", organisation=unit_p, role=Role.APPLICANT),
        reviewer_a=UserFactory(username="reviewer_a", organisation=city_a, role=Role.AUTHORITY_REVIEWER),
        reviewer_b=UserFactory(username="reviewer_b", organisation=city_b, role=Role.AUTHORITY_REVIEWER),
        province_admin=UserFactory(username="province_admin", organisation=province, role=Role.PROVINCE_ADMIN),
        # The province's reviewer of the provincial units (jlgd-review in the demo): an
        # authority's rights over unit P, nothing of the administrator's.
        province_reviewer=UserFactory(
            username="province_reviewer", organisation=province, role=Role.AUTHORITY_REVIEWER
        ),
        expert_assigned=UserFactory(username="expert_assigned", organisation=pool, role=Role.EXPERT),
        expert_unassigned=UserFactory(username="expert_unassigned", organisation=pool, role=Role.EXPERT),
        # The expert of a second round (复评): assigned nothing by the cast; tests that open
        # a second round assign them there.
        expert_second_round=UserFactory(username="expert_second_round", organisation=pool, role=Role.EXPERT),
        operations=operations,
        system_admin=system_admin,
        security_admin=UserFactory(username="secadmin", organisation=operations, role=Role.SECURITY_ADMIN),
        audit_admin=UserFactory(username="auditadmin", organisation=operations, role=Role.AUDIT_ADMIN),
    )


@pytest.fixture
def case_at(cast):
    """case_at(state) -> a case of unit A moved to `state` through the real workflow
    by the people who would move it (experts assigned: expert_assigned)."""
    from reviews.models import ExpertAssignment

    paths = {
        "draft": [],
        "submitted": [("submit", "applicant_a")],
        "withdrawn": [("submit", "applicant_a"), ("withdraw", "applicant_a")],
        "returned": [("submit", "applicant_a"), ("return_for_revision", "reviewer_a")],
        "not_recommended": [("submit", "applicant_a"), ("reject", "reviewer_a")],
        "recommended": [("submit", "applicant_a"), ("recommend", "reviewer_a")],
    }

    def build(state: str, *, applicant=None):
        applicant = applicant or cast.applicant_a
        # Each walk starts in 征集中 and leaves the campaign in the phase in which the
        # state's next moves are taken (tests.factories.natural_phase).
        set_phase(cast.campaign, CampaignPhase.COLLECTING)
        case = make_case(campaign=cast.campaign, applicant=applicant)
        reviewer = {cast.city_a.pk: cast.reviewer_a, cast.city_b.pk: cast.reviewer_b}.get(case.authority_id)
        actors = {"applicant_a": applicant, "reviewer_a": reviewer}
        for action, who in paths.get(state, paths["recommended"]):
            apply_transition(subject=case, action=action, actor=actors[who], comment="意见")
        if state in paths:
            return case
        # The campaign's phase follows the case: tables after the deadline, expert review,
        # decisions, the NRTA (each phase put straight, see tests.factories.set_phase).
        close_submissions(cast.campaign)
        table = table_for(campaign=cast.campaign, authority=case.authority)
        ranking_scan_upload(table=table, actor=reviewer, uploaded=pdf_upload("推荐排序表.pdf"))
        ranking_submit(campaign=cast.campaign, authority=case.authority, actor=reviewer)
        case.refresh_from_db()
        set_phase(cast.campaign, CampaignPhase.EXPERT_REVIEW)
        stage = open_first_stage(cast.campaign)
        assignment_create(stage=stage, case=case, expert=cast.expert_assigned, actor=cast.province_admin)
        if state == "in_expert_review":
            return case
        submit_review(ExpertAssignment.objects.get(case=case))
        steps = {
            "reviewed": [],
            "selected": ["select"],
            "not_selected": ["reject_selection"],
            "recommended_to_nrta": ["select", "recommend_to_nrta"],
        }[state]
        apply_transition(subject=case, action="complete_review", actor=cast.province_admin, comment="意见")
        for action in steps:
            phase = CampaignPhase.NRTA if action == "recommend_to_nrta" else CampaignPhase.DECIDING
            set_phase(cast.campaign, phase)
            apply_transition(subject=case, action=action, actor=cast.province_admin, comment="意见")
        set_phase(cast.campaign, natural_phase(state))
        return case

    return build


@pytest.fixture
def case_in(cast):
    """case_in(state) -> a complete case of unit A put straight into `state` with that
    state's permissions (experts assigned: expert_assigned, unless `expert` says another
    or None), in under 40 queries where `case_at` takes up to 230: for tests that need
    the state, not the history. See tests.factories.put_in_state for what it lacks."""
    unset = object()

    def build(state: str, *, applicant=None, expert=unset, **fields):
        case = make_case(campaign=cast.campaign, applicant=applicant or cast.applicant_a, **fields)
        return put_in_state(case, state, expert=cast.expert_assigned if expert is unset else expert)

    return build


@pytest.fixture(autouse=True)
def _interface_language_reset():
    """Every test starts, and leaves, with no language activated in its thread, i.e. in
    LANGUAGE_CODE. Needed because config.middleware.ChosenLanguageMiddleware activates
    the request's language (English after the footer's switch) for the thread and never
    restores it: without this, every test after a request in English would run in
    English too."""
    translation.deactivate()
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _media_in_a_temporary_directory(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _sign_in_as_the_tests_expect(settings):
    """Tests sign in with `client.force_login` (and some with `client.login`, which gives
    django-axes no request): the lockout and the one-time-code requirement are off here,
    and on in the tests of those controls (tests/accounts/test_signin_policy.py)."""
    settings.AXES_ENABLED = False
    settings.SIGNIN_OTP_REQUIRED = False
    # The rate limits count in the cache: each test starts with none counted.
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def _audit_records_cleared_before_a_flush(request):
    """A transactional test ends with a flush (DELETE on SQLite), which the audit table's
    trigger refuses for young records: this test's records go first, the trigger put
    back at once."""
    if not {"transactional_db", "live_server"} & set(request.fixturenames):
        yield
        return
    request.getfixturevalue("transactional_db")
    yield
    from django.db import connection

    if connection.vendor == "sqlite":
        from importlib import import_module

        triggers = import_module("audit.migrations.0002_append_only_triggers")
        with connection.cursor() as cursor:
            cursor.execute("DROP TRIGGER IF EXISTS audit_record_no_young_delete")
            cursor.execute("DELETE FROM audit_auditrecord")
            cursor.execute(triggers.SQLITE[1])


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Real hashing costs ~0.3 s a user; the cast has eight. Security of test passwords is moot.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# The demo campaign, seeded once per module that asks for it (tests that only read it).
DEMO_SETTINGS = {
    "DEBUG": True,
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
}


@pytest.fixture(scope="module")
def _demo_of_the_module(django_db_setup, django_db_blocker, tmp_path_factory):
    """The demo seeded once, in a transaction rolled back when the module is done (on
    SQLite and PostgreSQL alike): no other module ever sees it."""
    media = tmp_path_factory.mktemp("demo-media")
    with pytest.MonkeyPatch.context() as patch, override_settings(MEDIA_ROOT=media, **DEMO_SETTINGS):
        patch.setenv("DEMO_PASSWORD", "demo-pass-1")
        with django_db_blocker.unblock():
            demo = transaction.atomic()
            demo.__enter__()
            try:
                call_command("seed_demo", stdout=StringIO())
            except BaseException as error:
                demo.__exit__(type(error), error, error.__traceback__)
                raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        demo.__exit__(None, None, None)


@pytest.fixture
def seeded(_demo_of_the_module, db, settings, monkeypatch):
    """The module's demo, in the settings and environment it was seeded with."""
    for name, value in DEMO_SETTINGS.items():
        setattr(settings, name, value)
    monkeypatch.setenv("DEMO_PASSWORD", "demo-pass-1")
