"""A province-sized world for the benchmarks: 12 authorities with 4 units each, an
expert pool, and cases added in bulk (through the same permission table the workflow
uses, so every role sees what it would see in production)."""

import itertools
from dataclasses import dataclass, field

from accounts.enums import OrgKind, Role
from applications.enums import CaseState
from applications.models import Case
from reviews.models import ExpertAssignment
from tests.factories import (
    OrganisationFactory,
    UnitFactory,
    UserFactory,
    grant_case_permissions,
    open_campaign,
    province_org,
)

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
    created: int = 0
    _counter: itertools.count = field(default_factory=itertools.count)

    @classmethod
    def build(cls) -> "World":
        province = province_org()
        authorities = [OrganisationFactory(kind=OrgKind.AUTHORITY) for _ in range(12)]
        units = [UnitFactory(authority=authority) for authority in authorities for _ in range(4)]
        pool = OrganisationFactory(kind=OrgKind.EXPERT_POOL)
        return cls(
            campaign=open_campaign(),
            units=units,
            applicant=UserFactory(organisation=units[0], role=Role.APPLICANT),
            reviewer=UserFactory(organisation=authorities[0], role=Role.AUTHORITY_REVIEWER),
            province_admin=UserFactory(organisation=province, role=Role.PROVINCE_ADMIN),
            expert=UserFactory(organisation=pool, role=Role.EXPERT),
        )

    def grow_to(self, total: int) -> None:
        category_by_code = {c.code: c for c in self.campaign.categories.all()}
        schemas = {code: c.schemas.latest() for code, c in category_by_code.items()}
        codes = list(category_by_code)
        batch = []
        for _ in range(total - self.created):
            n = next(self._counter)
            unit = self.units[n % len(self.units)]
            code = codes[n % len(codes)]
            batch.append(
                Case(
                    campaign=self.campaign,
                    category=category_by_code[code],
                    schema=schemas[code],
                    unit=unit,
                    authority_id=unit.authority_id,
                    title=f"基准案例{n}",
                    state=STATE_MIX[n % len(STATE_MIX)],
                    created_by=self.applicant,
                )
            )
        cases = Case.objects.bulk_create(batch, batch_size=1000)
        # One case in fifty that is in provincial review goes to our expert.
        stage = self.campaign.stages.get(order=1)
        ExpertAssignment.objects.bulk_create(
            ExpertAssignment(stage=stage, case=case, expert=self.expert)
            for case in cases
            if case.state == CaseState.IN_EXPERT_REVIEW and case.pk % 50 < 10
        )
        grant_case_permissions(cases)
        self.created = total

    def visible_to(self, user) -> int:
        from applications.selectors import cases_visible_to

        return cases_visible_to(user=user).count()
