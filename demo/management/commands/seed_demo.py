"""Build the demo campaign: Jilin province's 2024 collection of media-convergence
typical cases, with every authority of the notice, applicant units, one account per
role per organisation, and 40 cases spread over the states a campaign in 初审排序 holds;
and the 2023 campaign before it, run the whole way (公示, 通报, NRTA) and archived.

Every case is moved through the real workflow service by the people who would move
it, so the demo's history, permissions and notifications are the real thing. Who is
who is in ``demo/organisations.py``, how each case gets to its state in
``demo/journeys.py``, and the cases' texts in ``demo/data/`` (read by ``demo/cases.py``).
"""

import os
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from applications.enums import CaseState
from applications.models import Campaign
from applications.services import campaign_create
from demo.earlier import run_earlier_campaign
from demo.journeys import move_cases
from demo.organisations import PROVINCE, create_organisations_and_people


class Command(BaseCommand):
    help = "Load the demo campaign (Jilin 2024). Safe to run again: does nothing if it is there."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="run even with DEBUG off")

    def handle(self, *args, force: bool, **options):
        if not settings.DEBUG and not force:
            raise CommandError("DEBUG is off: this looks like production. Use --force to load demo data anyway.")
        password = os.environ.get("DEMO_PASSWORD") or secrets.token_urlsafe(9)
        if Organisation.objects.filter(code=PROVINCE[1]).exists() or Campaign.objects.filter(year=2024).exists():
            self.stdout.write("演示数据已存在，未作改动。(demo data already loaded; nothing changed)")
            return
        with transaction.atomic():
            cast = create_organisations_and_people(password)
            # Last year's campaign, run the whole way and archived (demo/earlier.py).
            earlier = run_earlier_campaign(cast)
            campaign = _campaign()
            counts = move_cases(campaign, cast)
        self._report(password, counts, earlier)

    def _report(self, password, counts, earlier):
        self.stdout.write(
            self.style.SUCCESS(
                f"{earlier.year}年度（已归档）：{earlier.cases.count()}个案例，"
                f"{earlier.cases.filter(state=CaseState.RECOMMENDED_TO_NRTA).count()}个已推荐至总局"
            )
        )
        self.stdout.write(self.style.SUCCESS("演示数据已载入 (demo campaign loaded)："))
        for state in CaseState:
            self.stdout.write(f"  {state.label}（{state.value}）: {counts.get(state, 0)}")
        self.stdout.write("演示账号 (demo accounts)，密码均为 / password for all: " + password)
        self.stdout.write("  省局管理员 jlgd-admin · 省局审核员（省直单位）jlgd-review · 安装管理员 admin")
        self.stdout.write("  系统管理员 sysadmin · 安全管理员 secadmin · 安全审计员 auditadmin")
        self.stdout.write("  推荐单位审核员 changchun-review, jilin-city-review, siping-review, … (<authority>-review)")
        self.stdout.write("  申报单位 changchun-tv, jiutai, nongan, lishu, jltv, … (unit code)")
        self.stdout.write("  评审专家 expert1 … expert6")


def _campaign():
    # The notice's deadline (2024-04-17) has long passed; the demo's campaign is made
    # in 筹备 with a deadline ahead, and demo/journeys.py lets it pass (初审排序).
    now = timezone.localtime()
    deadline = (now + timedelta(days=30)).replace(hour=17, minute=0, second=0, microsecond=0)
    return campaign_create(
        year=2024,
        title="2024年全省广播电视媒体融合典型案例征集和评选",
        notice_number="吉广电明电〔2024〕38号",
        submission_deadline=deadline,
        ranking_deadline=deadline + timedelta(days=14),
        contact="吉林省广播电视局媒体融合发展处，0431-85816713",
    )
