"""Demo cases for the ``seed_demo`` management command, read from ``demo/data/``.

Forty realistic applications (ten per category) for the yearly collection and
selection of 广播电视媒体融合典型案例. The prose and the figures are built from
real texts written by county media-convergence centres about their work
(organisational reform, 新闻+政务+服务, matrix accounts, live streaming,
international communication, revenue, staff …), adapted so that each case reads
like the application of a unit in Jilin province. The subject of the texts is
always "本中心" / "我台" / "我公司", because the seed command assigns the cases
to units round-robin by ``unit_type``.

The texts live in JSON files: ``passages.json`` holds the shared passages (grouped
by theme; each begins with a short headline sentence, so it reads both as a
numbered practice "一是……" and as a paragraph of its own), and ``<category>.json``
the cases of one category, in order. No randomness is involved, so ``DEMO_CASES``
is the same on every import.

A case is written as fragments: literal text, or ``@key`` for a shared passage.
In the fragments ``{u}`` stands for the unit's own name (本中心 / 我台 / 我公司)
and ``{figure_key}`` / ``{pair[before]}`` / ``{pair_pct}`` / ``{pair_x}`` for the
case's own figures, so that the numbers in the prose are the numbers in the figures.
"""

import json
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"
SECTION_KEYS = ("overview", "innovation", "results", "prospects", "problems", "next_steps")
# One data file per category, read in this order.
CATEGORIES = ("platform", "production", "services", "reform")

_SELF = {"county_centre": "本中心", "station": "我台", "enterprise": "我公司"}
_ORDINALS = ("一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是", "十一是", "十二是")


def _read(name):
    with open(DATA_DIR / name, encoding="utf-8") as file:
        return json.load(file)


def _passages():
    """The shared passages by key; the file groups them by theme, keys are unique across groups."""
    passages = {}
    for group in _read("passages.json").values():
        duplicates = passages.keys() & group.keys()
        if duplicates:
            raise ValueError(f"passages.json: key(s) used twice: {sorted(duplicates)}")
        passages.update(group)
    return passages


def _figure_values(figures):
    """Figures as format values; a before/after pair also gives `<key>_pct`
    (growth in per cent, rounded) and `<key>_x` (after / before, one decimal)."""
    values = dict(figures)
    for key, value in figures.items():
        if isinstance(value, dict):
            before, after = float(value["before"]), float(value["after"])
            if before > 0:
                values[key + "_pct"] = f"{round((after - before) / before * 100):d}"
                values[key + "_x"] = f"{after / before:.1f}"
    return values


def _section(key, fragments, values, passages):
    texts = [passages[f[1:]] if f.startswith("@") else f for f in fragments]
    if key == "innovation" and len(texts) > 1:
        lead, items = texts[0], texts[1:]
        texts = [lead] + [_ORDINALS[i] + item for i, item in enumerate(items)]
    return "\n".join(text.format_map(values) for text in texts)


def _build(category, raw, passages):
    values = _figure_values(raw["figures"])
    values["u"] = _SELF[raw["unit_type"]]
    return {
        "category": category,
        "title": raw["title"],
        "unit_type": raw["unit_type"],
        "header": {
            "implementation_period": raw["period"],
            "platforms": raw["platforms"],
            "summary": raw["summary"].format_map(values),
        },
        "sections": {key: _section(key, raw["sections"][key], values, passages) for key in SECTION_KEYS},
        "figures": raw["figures"],
    }


def load_cases():
    """Every demo case, rendered: category, title, unit_type, header, sections and figures."""
    passages = _passages()
    return [_build(category, raw, passages) for category in CATEGORIES for raw in _read(f"{category}.json")]


DEMO_CASES = load_cases()
