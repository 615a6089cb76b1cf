"""A province-sized world for the benchmarks: 12 authorities with 4 units each, an
expert pool, and cases added in bulk (with the object permissions the workflow's grant
table gives them, so every role sees what it would see in production).
`python -m tests.benchmarks.grow 10000 100000` grows one and prints the time and peak
memory each size took."""

import itertools
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from accounts.enums import OrgKind, Role
from applications.enums import CaseState
from applications.models import Case, CaseGroupObjectPermission, CaseUserObjectPermission
from core.text import comparison_key
from demo.cases import DEMO_CASES
from reviews.enums import CriterionKind, RankingTableStatus
from reviews.experts.result_rows import refresh_cases, result_rows_batched
from reviews.experts.services import assignment_totals_refresh
from reviews.models import ExpertAssignment, RankingEntry, RankingTable, Score
from tests.factories import (
    OrganisationFactory,
    UnitFactory,
    UserFactory,
    open_campaign,
    province_org,
)
from workflow.machines import machine_for
from workflow.permissions import _permission_ids, desired_rows

# Cases written per transaction: bounds the memory of a 100,000-case world.
CHUNK = 5000
# Rows per INSERT statement.
ROWS_PER_INSERT = 500

UNRANKED = {CaseState.DRAFT, CaseState.SUBMITTED, CaseState.RETURNED, CaseState.NOT_RECOMMENDED}

# Roughly the mix of a campaign in full swing.
STATE_MIX = [
    CaseState.DRAFT,
    CaseState.SUBMITTED,
    CaseState.SUBMITTED,
    CaseState.RETURNED,
    CaseState.RECOMMENDED,
    CaseState.NOT_RECOMMENDED,
    CaseState.IN_EXPERT_REVIEW,
    CaseState.IN_EXPERT_REVIEW,
    CaseState.REVIEWED,
    CaseState.SELECTED,
]


class _NewCase(NamedTuple):
    """What the rest of a chunk needs of a case just inserted (and what the workflow's
    `desired_rows` reads: pk, state, unit_id, authority_id)."""

    pk: int
    n: int
    state: CaseState
    unit_id: int
    authority_id: int
    category_id: int


@cache
def _score(value: int):
    return Score._meta.get_field("value").get_db_prep_save(Decimal(value), connection)


def insert_rows(model, columns: tuple[str, ...], rows: Iterable[tuple], **fixed) -> None:
    """INSERT `rows` of `model` in multi-row statements: each row gives the `columns`
    (attribute names, values as the database takes them: ints, str, None, datetimes),
    `fixed` model attributes the same for every row, every other field what the ORM
    would write for a new instance (its default, `auto_now` times). No model instance
    per row, no signals, no ids returned: for the benchmark's world only."""
    proto = model(**fixed)
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    given = {name: i for i, name in enumerate(columns)}
    unknown = set(given) - {f.attname for f in fields}
    assert not unknown, f"{model.__name__} has no column {unknown}"
    constants = {
        f.attname: f.get_db_prep_save(f.pre_save(proto, add=True), connection) for f in fields if f.attname not in given
    }
    quote = connection.ops.quote_name
    head = "INSERT INTO {} ({}) VALUES ".format(quote(model._meta.db_table), ", ".join(quote(f.column) for f in fields))
    placeholder = "({})".format(", ".join(["%s"] * len(fields)))
    # Each row's parameters in the table's column order: a given column's index into
    # the row, or the constant.
    plan = [(given[f.attname], None) if f.attname in given else (None, constants[f.attname]) for f in fields]
    rows = iter(rows)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: with INSERTs the client quotes every parameter into the statement's
            # text (psycopg's client-side binding, Django's default) and the server
            # parses it back: 30 kB of narrative a case. What remains is the server
            # storing the narratives (jsonb, compressed): about 2 ms a case.
            columns_sql = ", ".join(quote(f.column) for f in fields)
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({columns_sql}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row[i] if i is not None else constant for i, constant in plan])
            return
        while batch := list(itertools.islice(rows, ROWS_PER_INSERT)):
            params = [row[i] if i is not None else constant for row in batch for i, constant in plan]
            cursor.execute(head + ", ".join([placeholder] * len(batch)), params)


@dataclass
class World:
    campaign: object
    units: list
    applicant: object
    reviewer: object
    province_admin: object
    expert: object
    experts: list = field(default_factory=list)
    created: int = 0
    _ranks: dict = field(default_factory=dict)
    _tables: dict = field(default_factory=dict)
    # Filled by the first chunk: what every case shares, the categories with their
    # form schemas, the first review stage, the scored criteria.
    _fixed: dict | None = None
    _categories: list = field(default_factory=list)
    _stage: object = None
    _criteria: list = field(default_factory=list)

    @classmethod
    def build(cls) -> "World":
        province = province_org()
        authorities = [OrganisationFactory(kind=OrgKind.AUTHORITY) for _ in range(12)]
        units = [UnitFactory(authority=authority) for authority in authorities for _ in range(4)]
        pool = OrganisationFactory(kind=OrgKind.EXPERT_POOL)
        experts = [UserFactory(organisation=pool, role=Role.EXPERT) for _ in range(5)]
        return cls(
            campaign=open_campaign(),
            units=units,
            applicant=UserFactory(organisation=units[0], role=Role.APPLICANT),
            reviewer=UserFactory(organisation=authorities[0], role=Role.AUTHORITY_REVIEWER),
            province_admin=UserFactory(organisation=province, role=Role.PROVINCE_ADMIN),
            expert=experts[0],
            experts=experts,
        )

    def grow_to(self, total: int) -> None:
        """Cases up to `total`, each with the narratives of a real case (what the lists
        must not read), ranked in its authority's table once recommended, reviewed by
        three experts (scored when the review is done) in provincial review, and the
        object permissions the workflow's grant table gives it in its state.

        Written CHUNK cases at a time, each chunk in one transaction, with plain
        multi-row INSERTs (`insert_rows`): 100,000 cases are about 1.2 million rows, and
        building a model instance per row for `bulk_create` was four fifths of the time.
        Memory stays that of one chunk."""
        while self.created < total:
            upto = min(total, self.created + CHUNK)
            with transaction.atomic():
                self._add_cases(range(self.created, upto))
            self.created = upto
        if connection.vendor == "postgresql":
            # What autovacuum does on a server in use, and soon after a bulk load (its
            # insert threshold): statistics for the planner, and the visibility map
            # that lets the pages' counts read their indexes alone (without it every
            # index-only scan visits the table). Measuring the pages minutes after a
            # load of 1.2 million rows, before autovacuum's next round, would measure
            # a state no deployment stays in.
            # (In a transaction, a test's, VACUUM may not run: the statistics alone.)
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")

    def _add_cases(self, numbers: range) -> None:
        from tests.benchmarks.documents import demo_content, long_sections

        if self._fixed is None:
            content = demo_content(DEMO_CASES[0])
            self._fixed = {
                "campaign": self.campaign,
                "header": content["header"],
                "sections": long_sections(),
                "figures": content["figures"],
                "created_by": self.applicant,
            }
            categories = list(self.campaign.categories.all())
            self._categories = [(c.pk, c.schemas.latest().pk) for c in categories]
            self._stage = self.campaign.stages.get(order=1)
            self._criteria = list(
                self.campaign.rubric.criteria.filter(kind=CriterionKind.SCORE).values_list("pk", flat=True)
            )
        # The cases.
        rows = []
        for n in numbers:
            # The first draft and the first case in expert review are the applicant's
            # unit's: every page has something of each kind to show from 10 cases on.
            first_of_kind = n < len(STATE_MIX) and STATE_MIX[n] in (CaseState.DRAFT, CaseState.IN_EXPERT_REVIEW)
            unit = self.units[0 if first_of_kind else n % len(self.units)]
            category_id, schema_id = self._categories[n % len(self._categories)]
            title, state = f"基准案例{n}", STATE_MIX[n % len(STATE_MIX)].value
            rows.append((category_id, schema_id, unit.pk, unit.authority_id, title, comparison_key(title), state))
        last_pk = Case.objects.aggregate(last=Max("pk"))["last"] or 0
        columns = ("category_id", "schema_id", "unit_id", "authority_id", "title", "title_key", "state")
        insert_rows(Case, columns, rows, **self._fixed)
        cases = [
            _NewCase(pk, int(title.removeprefix("基准案例")), CaseState(state), unit_id, authority_id, category_id)
            for pk, title, state, unit_id, authority_id, category_id in Case.objects.filter(
                campaign=self.campaign, pk__gt=last_pk
            )
            .order_by("pk")
            .values_list("pk", "title", "state", "unit_id", "authority_id", "category_id")
        ]
        assert [case.n for case in cases] == list(numbers), "another writer added cases"
        # One case in five that is in provincial review goes to our expert; three of
        # the other experts review every case in or past expert review, submitted with
        # scores once the review is done.
        reviewed = {CaseState.REVIEWED, CaseState.SELECTED}
        others = self.experts[1:]
        now = timezone.now()
        last_assignment = ExpertAssignment.objects.aggregate(last=Max("pk"))["last"] or 0
        insert_rows(
            ExpertAssignment,
            ("case_id", "expert_id", "submitted_at"),
            [
                (case.pk, self.expert.pk, None)
                for case in cases
                if case.state == CaseState.IN_EXPERT_REVIEW and case.n % 50 < 10
            ]
            + [
                (case.pk, others[(case.pk + i) % len(others)].pk, now if case.state in reviewed else None)
                for case in cases
                if case.state in reviewed or case.state == CaseState.IN_EXPERT_REVIEW
                for i in range(3)
            ],
            stage=self._stage,
        )
        new_assignments = ExpertAssignment.objects.filter(pk__gt=last_assignment)
        submitted = list(new_assignments.filter(submitted_at__isnull=False).values_list("pk", flat=True))
        insert_rows(
            Score,
            ("assignment_id", "criterion_id", "value"),
            ((a, c, _score(60 + (a * 7 + c * 3) % 40)) for a in submitted for c in self._criteria),
        )
        # Written in bulk, past the services' signals: the results' stored rows are
        # refreshed once per case at the end of the batch, with the ranks in place.
        with result_rows_batched():
            # Written in bulk, not through score_save: store each review's total as it would.
            assignment_totals_refresh(stage=self._stage, only=submitted)
            # Every case the authority recommended sits in its submitted ranking table.
            entries = []
            for case in cases:
                if case.state in UNRANKED:
                    continue
                if case.authority_id not in self._tables:
                    self._tables[case.authority_id], _ = RankingTable.objects.get_or_create(
                        campaign=self.campaign,
                        authority_id=case.authority_id,
                        defaults={"status": RankingTableStatus.SUBMITTED, "submitted_at": now},
                    )
                table_id = self._tables[case.authority_id].pk
                self._ranks[table_id] = self._ranks.get(table_id, 0) + 1
                entries.append((table_id, case.pk, self._ranks[table_id], case.category_id))
            insert_rows(RankingEntry, ("table_id", "case_id", "rank", "category_id"), entries)
            refresh_cases(stage_ids=[self._stage.pk], case_ids=[case.pk for case in cases])
        # The object permissions, exactly the rows the workflow's grant table derives
        # from each case's state and parties (what `grant_case_permissions` writes).
        machine = machine_for(Case)
        group_rows, user_rows = desired_rows(machine, cases, _permission_ids(machine))
        insert_rows(CaseGroupObjectPermission, ("content_object_id", "group_id", "permission_id"), group_rows)
        insert_rows(CaseUserObjectPermission, ("content_object_id", "user_id", "permission_id"), user_rows)

    def sample_case(self):
        """A case of the applicant's unit that reached the authority and the province."""
        return Case.objects.filter(unit=self.units[0], state=CaseState.IN_EXPERT_REVIEW).order_by("pk").first()

    def sample_assignment(self):
        return ExpertAssignment.objects.filter(expert=self.expert).order_by("pk").first()

    def visible_to(self, user) -> int:
        from applications.selectors import cases_visible_to

        return cases_visible_to(user=user).count()
