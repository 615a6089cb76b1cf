from django.urls import reverse

from core.links import link_for_each


def test_a_link_made_once_per_list_is_the_reversed_url_of_every_row():
    link = link_for_each("case_detail")
    for pk in (1, 9, 10, 918, 123456789):
        assert link(pk) == reverse("case_detail", args=[pk])
    score = link_for_each("reviews:score")
    assert score(42) == reverse("reviews:score", args=[42])
