"""A province-sized world for the benchmarks: 12 authorities with 4 units each, an
expert pool, and cases added in bulk (through the same permission table the workflow
uses, so every role sees what it would see in production)."""

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from accounts.enums import OrgKind, Role
from applications.enums import CaseState
from applications.models import Case
from demo.cases import DEMO_CASES
from reviews.enums import CriterionKind, RankingTableStatus
from reviews.experts.services import assignment_totals_refresh
from reviews.models import ExpertAssignment, RankingEntry, RankingTable, Score
from tests.factories import (
    OrganisationFactory,
    UnitFactory,
    UserFactory,
    grant_case_permissions,
    open_campaign,
    province_org,
)

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
    _counter: itertools.count = field(default_factory=itertools.count)
    _ranks: dict = field(default_factory=dict)

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
        three experts (scored when the review is done) in provincial review."""
        from tests.benchmarks.documents import demo_content, long_sections

        content = demo_content(DEMO_CASES[0])
        sections = long_sections()
        category_by_code = {c.code: c for c in self.campaign.categories.all()}
        schemas = {code: c.schemas.latest() for code, c in category_by_code.items()}
        codes = list(category_by_code)
        batch, numbers = [], []
        for _ in range(total - self.created):
            n = next(self._counter)
            numbers.append(n)
            # The first draft and the first case in expert review are the applicant's
            # unit's: every page has something of each kind to show from 10 cases on.
            first_of_kind = n < len(STATE_MIX) and STATE_MIX[n] in (CaseState.DRAFT, CaseState.IN_EXPERT_REVIEW)
            unit = self.units[0 if first_of_kind else n % len(self.units)]
            code = codes[n % len(codes)]
            batch.append(
                Case(
                    campaign=self.campaign,
                    category=category_by_code[code],
                    schema=schemas[code],
                    unit=unit,
                    authority_id=unit.authority_id,
                    title=f"基准案例{n}",
                    header=content["header"],
                    sections=sections,
                    figures=content["figures"],
                    state=STATE_MIX[n % len(STATE_MIX)],
                    created_by=self.applicant,
                )
            )
        cases = Case.objects.bulk_create(batch, batch_size=1000)
        # One case in five that is in provincial review goes to our expert.
        stage = self.campaign.stages.get(order=1)
        ExpertAssignment.objects.bulk_create(
            ExpertAssignment(stage=stage, case=case, expert=self.expert)
            for n, case in zip(numbers, cases, strict=True)
            if case.state == CaseState.IN_EXPERT_REVIEW and n % 50 < 10
        )
        # The other experts: three of them on every case in or past expert review,
        # submitted with scores once the review is done.
        reviewed = {CaseState.REVIEWED, CaseState.SELECTED}
        others = self.experts[1:]
        now = timezone.now()
        assignments = ExpertAssignment.objects.bulk_create(
            (
                ExpertAssignment(
                    stage=stage,
                    case=case,
                    expert=others[(case.pk + i) % len(others)],
                    submitted_at=now if case.state in reviewed else None,
                )
                for case in cases
                if case.state in reviewed or case.state == CaseState.IN_EXPERT_REVIEW
                for i in range(3)
            ),
            batch_size=2000,
        )
        criteria = list(self.campaign.rubric.criteria.filter(kind=CriterionKind.SCORE))
        Score.objects.bulk_create(
            (
                Score(assignment=a, criterion=c, value=Decimal(60 + (a.pk * 7 + c.pk * 3) % 40))
                for a in assignments
                if a.submitted_at is not None
                for c in criteria
            ),
            batch_size=5000,
        )
        # Written in bulk, not through score_save: store each review's total as it would.
        assignment_totals_refresh(stage=stage)
        # Every case the authority recommended sits in its submitted ranking table.
        ranked = [case for case in cases if case.state not in UNRANKED]
        tables = {}
        for case in ranked:
            if case.authority_id not in tables:
                tables[case.authority_id], _ = RankingTable.objects.get_or_create(
                    campaign=self.campaign,
                    authority_id=case.authority_id,
                    defaults={"status": RankingTableStatus.SUBMITTED, "submitted_at": now},
                )
        entries = []
        for case in ranked:
            table = tables[case.authority_id]
            self._ranks[table.pk] = self._ranks.get(table.pk, 0) + 1
            entries.append(RankingEntry(table=table, case=case, rank=self._ranks[table.pk]))
        RankingEntry.objects.bulk_create(entries, batch_size=2000)
        grant_case_permissions(cases)
        self.created = total

    def sample_case(self):
        """A case of the applicant's unit that reached the authority and the province."""
        return Case.objects.filter(unit=self.units[0], state=CaseState.IN_EXPERT_REVIEW).order_by("pk").first()

    def sample_assignment(self):
        return ExpertAssignment.objects.filter(expert=self.expert).order_by("pk").first()

    def visible_to(self, user) -> int:
        from applications.selectors import cases_visible_to

        return cases_visible_to(user=user).count()
