"""An archived campaign is the year's record: its services refuse every change (the
pages show the actions disabled, tests/reviews/test_archived_pages.py; a hand-made POST
meets the same refusal here), with the reason in Chinese and nothing written."""

import copy

import pytest

from applications.enums import CampaignPhase
from applications.models import CampaignSettingChange
from applications.setup import schema_publish, settings_apply
from reviews.enums import StageStatus
from reviews.experts.rounds import stage_advance
from reviews.experts.services import assignment_remove, auto_assign, stage_set_status
from reviews.models import ExpertAssignment, ReviewStage
from reviews.outcome.nrta import nrta_move
from tests.factories import open_first_stage, set_phase
from workflow.exceptions import TransitionRefused

REASON = "本年度征集评选已归档，只能查看，不能再变更。"


@pytest.fixture
def archived(cast, case_in):
    stage = open_first_stage(cast.campaign)
    case = case_in("in_expert_review")
    set_phase(cast.campaign, CampaignPhase.ARCHIVED)
    return stage, case


def refused(call):
    with pytest.raises(TransitionRefused) as raised:
        call()
    assert REASON in raised.value.reasons


def test_the_settings_and_the_form_of_an_archived_campaign_cannot_change(cast, archived):
    admin, campaign = cast.province_admin, cast.campaign
    refused(
        lambda: settings_apply(
            campaign=campaign, actor=admin, section="基本信息", instance=campaign, values={"title": "改名"}
        )
    )
    category = campaign.categories.first()
    definition = copy.deepcopy(category.schemas.latest().definition)
    definition["sections"][0]["label"] = "改过的标题"
    refused(lambda: schema_publish(category=category, actor=admin, definition=definition))
    campaign.refresh_from_db()
    assert campaign.title != "改名"
    assert category.schemas.count() == 1
    assert not CampaignSettingChange.objects.filter(campaign=campaign).exists()


def test_the_rounds_and_assignments_of_an_archived_campaign_cannot_change(cast, archived):
    stage, case = archived
    admin = cast.province_admin
    assignments = ExpertAssignment.objects.filter(stage=stage).count()
    assert assignments
    refused(lambda: stage_set_status(stage=stage, actor=admin, status=StageStatus.CLOSED))
    refused(lambda: auto_assign(stage=stage, actor=admin))
    refused(lambda: assignment_remove(assignment=ExpertAssignment.objects.filter(stage=stage).first(), actor=admin))
    refused(lambda: stage_advance(stage=stage, actor=admin, top_n=1))
    stage.refresh_from_db()
    assert stage.status == StageStatus.OPEN
    assert ExpertAssignment.objects.filter(stage=stage).count() == assignments
    assert ReviewStage.objects.filter(campaign=cast.campaign).count() == 1


def test_the_nrta_list_of_an_archived_campaign_cannot_be_reordered(cast, archived):
    _stage, case = archived
    refused(lambda: nrta_move(campaign=cast.campaign, case_id=case.pk, step=1))


def test_a_running_campaign_still_changes(cast, case_in):
    stage = open_first_stage(cast.campaign)
    stage_set_status(stage=stage, actor=cast.province_admin, status=StageStatus.CLOSED)
    stage.refresh_from_db()
    assert stage.status == StageStatus.CLOSED
