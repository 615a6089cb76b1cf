"""The factories' short cut to a late state (case_in) leaves a case with the same
object permissions as the real road (case_at): tests that take it see what each user
would see."""

import pytest

from applications.enums import CaseState


def _holders(case) -> tuple[list, list]:
    groups = case.casegroupobjectpermission_set.values_list("group_id", "permission__codename")
    users = case.caseuserobjectpermission_set.values_list("user_id", "permission__codename")
    return sorted(groups), sorted(users)


@pytest.mark.parametrize("state", list(CaseState), ids=[state.value for state in CaseState])
def test_a_case_put_in_a_state_holds_the_permissions_of_one_walked_there(cast, case_at, case_in, state):
    walked, put = case_at(state), case_in(state)
    assert walked.state == put.state == state
    assert _holders(put) == _holders(walked)
    assert _holders(put)[0]  # never none at all
