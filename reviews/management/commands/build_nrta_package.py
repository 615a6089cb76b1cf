"""Build the recommendation package for the NRTA 推荐材料包 of a campaign, now.

    python manage.py build_nrta_package --campaign 2024 -o 推荐材料包.zip

The same archive the province's background build makes (reviews/outcome/nrta_package.py),
written under a temporary name beside its destination, then renamed.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from core.command_output import check_writable, output_target, write_error
from reviews.management.arguments import campaign_by_year
from reviews.outcome.nrta_package import PackageError, build_nrta_package


class Command(BaseCommand):
    help = _("生成向国家广播电视总局推荐的材料包（zip）：推荐名单、申请表、盖章扫描件和佐证材料。")

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help=_("征集活动的年度，如 2024"))
        parser.add_argument(
            "-o", "--output", help=_("输出的 zip 文件；不填时写入当前目录，文件名为“<年度>年推荐材料包.zip”。")
        )

    def handle(self, *args, campaign, output, **options):
        campaign = campaign_by_year(campaign)
        target = output_target(output, lambda: _("%(year)d年推荐材料包.zip") % {"year": campaign.year})
        if target.suffix.lower() != ".zip":
            raise CommandError(_("输出文件应以 .zip 结尾，现为「%(path)s」。") % {"path": target})
        # Checked before building, which takes minutes: fail fast on a mistyped path.
        check_writable(target)
        try:
            summary = build_nrta_package(campaign, target)
        except PackageError as error:
            raise CommandError(str(error)) from error
        except OSError as error:
            raise write_error(target, error) from error
        self.stdout.write(
            _("已生成：%(path)s（%(count)d 个案例，%(files)d 个文件，%(size).1f MB）")
            % {
                "path": target,
                "count": summary.case_count,
                "files": summary.file_count,
                "size": summary.size / (1024 * 1024),
            }
        )
