"""Figures as numbers: what a unit types into a figure of its form, read as the schema
says (a count or a decimal of so many places, within its minimum and maximum, or
「不适用/暂无」 where the schema allows it), stored canonically and printed with
thousands separators.

Stored shape in Case.figures (unchanged from before, only canonical now): a number
figure holds a string, a before/after figure {"before": str, "after": str}; each string
is "" (not filled), NOT_APPLICABLE, or a plain decimal ("1286", "38.5", "1286.50"):
no exponent, no separators, no sign on zero, no trailing zeros except that money (a unit
in 元) has exactly the schema's places.
"""

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

NOT_APPLICABLE = "n/a"
# What a person may type for 「不适用/暂无」 (compared after NFKC, spaces removed, lower case).
NOT_APPLICABLE_WORDS = frozenset({"不适用", "暂无", "无", "不适用/暂无", "n/a", "na", "—", "-", "/"})
# More digits than any figure of a form has (万元 of a provincial station: 10 digits).
MAX_INTEGER_DIGITS = 15
_NUMBER = re.compile(r"[+-]?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?|[+-]?\.[0-9]+", re.ASCII)
_EXPONENT = re.compile(r"^[+-]?[0-9.,]+e[+-]?[0-9]+$", re.ASCII | re.IGNORECASE)
_SPACES = re.compile(r"\s+")
BEFORE, AFTER = "before", "after"


@dataclass(frozen=True)
class FigureRule:
    """The schema's word on one figure; defaults for versions written before it had one."""

    integer: bool
    places: int
    minimum: Decimal | None
    maximum: Decimal | None
    not_applicable: bool
    required: bool
    # Money (元, 万元) is written to its places (1,286.50); other decimals as typed (38.5).
    money: bool = False

    @classmethod
    def of(cls, spec: dict) -> "FigureRule":
        integer = spec.get("value_type") == "integer"
        bound = lambda key, default=None: (  # noqa: E731
            Decimal(str(spec[key])) if spec.get(key) is not None else default
        )
        return cls(
            integer=integer,
            places=0 if integer else int(spec.get("decimal_places", 2)),
            # Before ranges were data, the editor refused negatives: that stays the default.
            minimum=bound("minimum", Decimal(0)),
            maximum=bound("maximum"),
            not_applicable=bool(spec.get("not_applicable")),
            required=bool(spec.get("required")),
            money="元" in spec.get("unit", ""),
        )

    def describe(self) -> str:
        """The rule in a sentence for the form's help: 「整数，不小于0。」"""
        parts = [_("整数") if self.integer else _("最多%(places)d位小数") % {"places": self.places}]
        if self.minimum is not None and self.maximum is not None:
            parts.append(_("%(low)s至%(high)s") % {"low": _plain(self.minimum), "high": _plain(self.maximum)})
        elif self.minimum is not None:
            parts.append(_("不小于%(low)s") % {"low": _plain(self.minimum)})
        elif self.maximum is not None:
            parts.append(_("不大于%(high)s") % {"high": _plain(self.maximum)})
        if self.not_applicable:
            parts.append(_("没有此项数据可选「不适用/暂无」"))
        return "，".join(parts) + "。"


def _plain(number: Decimal) -> str:
    text = format(number, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _normalised(raw) -> str:
    """NFKC (full-width digits, commas, points and signs become ASCII), spaces removed."""
    text = unicodedata.normalize("NFKC", str(raw if raw is not None else ""))
    return _SPACES.sub("", text.replace("\u3000", " "))


def parse_figure(raw, rule: FigureRule, *, name: str) -> str:
    """The canonical stored string for what was typed into figure `name`, or
    ValidationError with a message naming the figure. Blank stays "" (whether it may be
    blank is the submission's question, not the draft's)."""
    text = _normalised(raw)
    if not text:
        return ""
    if text.lower() in NOT_APPLICABLE_WORDS or text == NOT_APPLICABLE:
        if rule.not_applicable:
            return NOT_APPLICABLE
        raise ValidationError(
            _("「%(name)s」须填写数字，本项不可填「不适用」。") % {"name": name}, code="not_applicable"
        )
    if _EXPONENT.match(text):
        raise ValidationError(
            _("「%(name)s」请直接写出数字，不要用科学计数法（如 1e3）。") % {"name": name}, code="exponent"
        )
    if not _NUMBER.fullmatch(text):
        raise ValidationError(
            _("「%(name)s」应为数字（可用千位分隔符，如 1,286.5），现为「%(value)s」。")
            % {"name": name, "value": str(raw).strip()[:30]},
            code="invalid",
        )
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
        raise ValidationError(_("「%(name)s」应为数字。") % {"name": name}, code="invalid") from None
    if len(format(abs(number).to_integral_value(), "f")) > MAX_INTEGER_DIGITS:
        raise ValidationError(_("「%(name)s」数值过大，请核对单位。") % {"name": name}, code="too_large")
    exponent = number.normalize().as_tuple().exponent
    places = -exponent if isinstance(exponent, int) and exponent < 0 else 0
    if rule.integer and places:
        raise ValidationError(_("「%(name)s」应为整数。") % {"name": name}, code="integer")
    if places > rule.places:
        raise ValidationError(
            _("「%(name)s」最多保留%(places)d位小数。") % {"name": name, "places": rule.places}, code="places"
        )
    if rule.minimum is not None and number < rule.minimum:
        raise ValidationError(
            _("「%(name)s」不能小于%(low)s。") % {"name": name, "low": _plain(rule.minimum)}, code="min_value"
        )
    if rule.maximum is not None and number > rule.maximum:
        raise ValidationError(
            _("「%(name)s」不能大于%(high)s。") % {"name": name, "high": _plain(rule.maximum)}, code="max_value"
        )
    canonical = number.quantize(Decimal(1).scaleb(-(rule.places if rule.money else places)))
    if canonical == 0:
        canonical = abs(canonical)  # "-0" is stored as "0"
    return format(canonical, "f")


def figure_parts(spec: dict) -> list[tuple[str, str]]:
    """(part, label suffix) of a figure: ("", "") or before and after."""
    if spec["kind"] == "before_after":
        return [(BEFORE, _("实施前")), (AFTER, _("实施后"))]
    return [("", "")]


def part_name(spec: dict, suffix: str) -> str:
    return f"{spec['label']}（{suffix}）" if suffix else spec["label"]


def stored_parts(spec: dict, value) -> dict[str, object]:
    """The stored value of each part of a figure ("" key for a plain number)."""
    if spec["kind"] == "before_after":
        pair = value if isinstance(value, dict) else {}
        return {BEFORE: pair.get(BEFORE), AFTER: pair.get(AFTER)}
    return {"": value}


def figures_clean(definition: dict, figures: dict) -> dict:
    """Only the figures of `definition`, each canonical (parse_figure); ValidationError
    listing every figure typed wrong (each message names its figure)."""
    cleaned, errors = {}, []
    for spec in definition["figures"]:
        rule = FigureRule.of(spec)
        parts = stored_parts(spec, figures.get(spec["key"]))
        values = {}
        for (part, suffix), raw in zip(figure_parts(spec), parts.values(), strict=True):
            try:
                values[part] = parse_figure(raw, rule, name=part_name(spec, suffix))
            except ValidationError as error:
                errors.extend(error.messages)
                values[part] = ""
        cleaned[spec["key"]] = values[""] if "" in values else values
    if errors:
        raise ValidationError(errors)
    return cleaned


def format_figure(value, spec: dict | None = None) -> str:
    """A stored part as people read it: 「1,286.50」, 「不适用」, "" when not filled.
    A value that is not a canonical number (a draft saved before figures were numbers)
    is shown as it was stored."""
    if value is None:
        return ""
    text = str(value).strip()
    if not text:
        return ""
    if text == NOT_APPLICABLE:
        return _("不适用")
    if not re.fullmatch(r"-?[0-9]+(?:\.[0-9]+)?", text, re.ASCII):
        return text
    return f"{Decimal(text):,f}"


def figure_display(spec: dict, value) -> str:
    """The whole figure in one line: 「120 → 326」 for a pair, 「—」 when empty."""
    parts = stored_parts(spec, value)
    shown = [format_figure(v) or "—" for v in parts.values()]
    return " → ".join(shown)
