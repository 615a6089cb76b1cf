"""Export an authority's recommendation ranking table 推荐排序表 as PDF or Excel.

    python manage.py export_ranking --campaign 2024 --authority 3 --format pdf -o 推荐排序表.pdf
    python manage.py export_ranking --campaign 2024 --authority changchun --format xlsx

--authority takes the organisation's id or its code. A table the authority has not
started yet is exported empty. The file is written under a temporary name beside its
destination, then renamed: a reader never sees half a document.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from accounts.enums import AUTHORITY_KINDS
from accounts.models import Organisation
from core.command_output import output_format, resolve_output, write_output
from reviews.management.arguments import campaign_by_year
from reviews.ranking.documents import ranking_filename, render_ranking_pdf, render_ranking_xlsx
from reviews.ranking.services import table_for

RENDERERS = {"pdf": render_ranking_pdf, "xlsx": render_ranking_xlsx}


class Command(BaseCommand):
    help = _("将推荐单位的推荐排序表导出为 PDF 或 Excel（xlsx）文件。")

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help=_("征集活动的年度，如 2024"))
        parser.add_argument("--authority", required=True, help=_("推荐单位的编号或代码"))
        parser.add_argument("--format", dest="document_format", help=_("pdf 或 xlsx；不填时按输出文件的扩展名确定。"))
        parser.add_argument(
            "-o", "--output", help=_("输出文件；不填时写入当前目录，文件名为“推荐排序表标题-推荐单位”。")
        )

    def handle(self, *args, campaign, authority, document_format, output, **options):
        # Everything the user typed is checked before anything is written to the database.
        document_format = output_format(document_format, output, RENDERERS)
        campaign = campaign_by_year(campaign)
        authority = self._authority(authority)
        table = table_for(campaign=campaign, authority=authority)
        target = resolve_output(output, lambda: ranking_filename(table, document_format))
        data = RENDERERS[document_format](table)
        write_output(target, data)
        self.stdout.write(
            _("已导出：%(path)s（%(count)d 个推荐案例，%(size)d 字节）")
            % {"path": target, "count": table.entries.count(), "size": len(data)}
        )

    def _authority(self, reference: str) -> Organisation:
        lookup = {"pk": int(reference)} if reference.isdigit() else {"code": reference}
        organisation = Organisation.objects.filter(**lookup).first()
        if organisation is None:
            raise CommandError(_("找不到编号或代码为「%(value)s」的机构。") % {"value": reference})
        if organisation.kind not in AUTHORITY_KINDS:
            raise CommandError(
                _("「%(name)s」（%(kind)s）不是推荐单位：只有推荐单位和省局有推荐排序表。")
                % {"name": organisation.name, "kind": organisation.get_kind_display()}
            )
        return organisation
