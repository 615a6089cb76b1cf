"""Build the recommendation package for the NRTA 推荐材料包 of a campaign, now.

    python manage.py build_nrta_package --campaign 2024 -o 推荐材料包.zip

The same archive the province's background build makes (reviews/nrta_package.py),
written under a temporary name beside its destination, then renamed.
"""

import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from applications.models import Campaign
from reviews.nrta_package import PackageError, build_nrta_package


class Command(BaseCommand):
    help = _("生成向国家广播电视总局推荐的材料包（zip）：推荐名单、申请表、盖章扫描件和佐证材料。")

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help=_("征集活动的年度，如 2024"))
        parser.add_argument(
            "-o", "--output", help=_("输出的 zip 文件；不填时写入当前目录，文件名为“<年度>年推荐材料包.zip”。")
        )

    def handle(self, *args, campaign, output, **options):
        campaign = self._campaign(campaign)
        target = Path(output) if output else Path(_("%(year)d年推荐材料包.zip") % {"year": campaign.year})
        if target.suffix.lower() != ".zip":
            raise CommandError(_("输出文件应以 .zip 结尾，现为「%(path)s」。") % {"path": target})
        self._check_writable(target)
        try:
            summary = build_nrta_package(campaign, target)
        except PackageError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise CommandError(
                _("无法写入「%(path)s」：%(reason)s") % {"path": target, "reason": error.strerror or error}
            ) from error
        self.stdout.write(
            _("已生成：%(path)s（%(count)d 个案例，%(files)d 个文件，%(size).1f MB）")
            % {
                "path": target,
                "count": summary.case_count,
                "files": summary.file_count,
                "size": summary.size / (1024 * 1024),
            }
        )

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
        # Checked before building, which takes minutes: fail fast on a mistyped path.
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
