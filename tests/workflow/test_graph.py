import re
from io import StringIO
from pathlib import Path

from django.core.management import call_command

from applications.models import Case
from workflow.graph import edges


def _printed() -> str:
    out = StringIO()
    call_command("workflow_graph", stdout=out)
    return out.getvalue()


def test_the_readme_shows_the_diagram_the_code_prints():
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    # One diagram per machine (the case's, the campaign's), in the order the command prints them.
    documented = re.findall(r"```mermaid\n(.*?)```", readme, re.S)
    assert len(documented) == 2, "README.md should show the case's and the campaign's diagrams"
    assert "\n".join(documented) == _printed(), "README's diagrams are stale: paste `python manage.py workflow_graph`"


def test_the_diagram_has_every_edge_with_its_action_and_party():
    printed = _printed()
    assert printed.startswith("stateDiagram-v2\n")
    for edge in edges(Case):
        assert f"    {edge.source} --> {edge.target}: {edge.action}（" in printed
    assert "recommend（推荐，推荐单位）" in printed
    assert "select（确定入选，省局）" in printed
    assert "preliminary --> expert_review: start_expert_review（进入专家评审，省局）" in printed
