"""Export the list of selected cases of the 通报 as PDF or Excel.

    python manage.py export_announcement --campaign 2024 --format pdf -o 典型案例名单.pdf
    python manage.py export_announcement --campaign 2024 --format xlsx

The file is written under a temporary name beside its destination, then renamed: a
reader never sees half a document.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from applications.documents.files import write_atomically
from applications.models import Campaign
from reviews.outcome_documents import (
    ANNOUNCED_STATES,
    announcement_filename,
    render_announcement_pdf,
    render_announcement_xlsx,
)

RENDERERS = {"pdf": render_announcement_pdf, "xlsx": render_announcement_xlsx}


class Command(BaseCommand):
    help = _("将征集活动的入选案例名单（通报）导出为 PDF 或 Excel（xlsx）文件。")

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help=_("征集活动的年度，如 2024"))
        parser.add_argument("--format", dest="document_format", help=_("pdf 或 xlsx；不填时按输出文件的扩展名确定。"))
        parser.add_argument("-o", "--output", help=_("输出文件；不填时写入当前目录，文件名为名单标题。"))

    def handle(self, *args, campaign, document_format, output, **options):
        document_format = self._format(document_format, output)
        campaign = self._campaign(campaign)
        target = Path(output) if output else Path(announcement_filename(campaign, document_format))
        self._check_writable(target)
        data = RENDERERS[document_format](campaign)
        try:
            write_atomically(target, data)
        except OSError as error:
            raise CommandError(
                _("无法写入「%(path)s」：%(reason)s") % {"path": target, "reason": error.strerror or error}
            ) from error
        count = campaign.cases.filter(state__in=ANNOUNCED_STATES).count()
        self.stdout.write(
            _("已导出：%(path)s（%(count)d 个入选案例，%(size)d 字节）")
            % {"path": target, "count": count, "size": len(data)}
        )

    def _format(self, document_format: str | None, output: str | None) -> str:
        if not document_format and output:
            document_format = Path(output).suffix.lstrip(".")
        document_format = (document_format or "").lower()
        if document_format not in RENDERERS:
            raise CommandError(
                _("未知的导出格式「%(format)s」：请用 --format pdf 或 --format xlsx。")
                % {"format": document_format or _("（未指定）")}
            )
        return document_format

    def _campaign(self, year: str) -> Campaign:
        try:
            value = int(year)
        except ValueError:
            raise CommandError(_("征集活动应以年度表示，如 2024，现为「%(value)s」。") % {"value": year}) from None
        campaign = Campaign.objects.filter(year=value).first()
        if campaign is None:
            known = "、".join(str(y) for y in Campaign.objects.order_by("year").values_list("year", flat=True))
            raise CommandError(
                _("没有 %(year)d 年度的征集活动（现有：%(known)s）。") % {"year": value, "known": known or _("无")}
            )
        return campaign

    def _check_writable(self, target: Path) -> None:
        # Checked before rendering, which takes a second: fail fast on a mistyped path.
        directory = target.parent
        if target.is_dir():
            reason = _("这是一个目录。")
        elif not directory.is_dir():
            reason = _("目录「%(dir)s」不存在。") % {"dir": directory}
        elif not os.access(directory, os.W_OK | os.X_OK):
            reason = _("没有目录「%(dir)s」的写权限。") % {"dir": directory}
        else:
            return
        raise CommandError(_("无法写入「%(path)s」：%(reason)s") % {"path": target, "reason": reason})
