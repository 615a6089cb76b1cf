"""Walks the chain and names the first record that was deleted or altered."""

from dataclasses import dataclass

from django.utils.translation import gettext as _

from audit.chain import GENESIS, record_hash
from audit.models import AuditRecord

PURGE_ACTION = "audit.purged"


@dataclass(frozen=True)
class Break:
    seq: int
    message: str


def _purge_anchor(first) -> str | None:
    """The hash the purge that removed records 1 … first.seq-1 wrote down, if any."""
    for purge in AuditRecord.objects.filter(action=PURGE_ACTION).order_by("seq"):
        if purge.details.get("through_seq") == first.seq - 1:
            return purge.details.get("last_hash")
    return None


def chain_verify() -> tuple[int, Break | None]:
    """(records checked, the first break or None)."""
    expected_seq, expected_prev, checked = None, None, 0
    for entry in AuditRecord.objects.order_by("seq").iterator(chunk_size=2000):
        if expected_seq is None:
            expected_seq = 1
            expected_prev = GENESIS
            if entry.seq != 1:
                anchor = _purge_anchor(entry)
                if anchor is None:
                    return checked, Break(
                        1, _("记录 #1 至 #%(last)d 缺失（已被删除），且没有清理记录说明。") % {"last": entry.seq - 1}
                    )
                expected_seq, expected_prev = entry.seq, anchor
        if entry.seq != expected_seq:
            return checked, Break(
                expected_seq,
                _("记录 #%(first)d 至 #%(last)d 已被删除（#%(seq)d 之前）。")
                % {"first": expected_seq, "last": entry.seq - 1, "seq": entry.seq},
            )
        if entry.prev_hash != expected_prev:
            return checked, Break(
                entry.seq, _("记录 #%(seq)d 与前一条记录的链接断开（前一条被删除或改动）。") % {"seq": entry.seq}
            )
        if record_hash(entry) != entry.hash:
            return checked, Break(entry.seq, _("记录 #%(seq)d 的内容已被改动。") % {"seq": entry.seq})
        checked += 1
        expected_seq, expected_prev = entry.seq + 1, entry.hash
    return checked, None
