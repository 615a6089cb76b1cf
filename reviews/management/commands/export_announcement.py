"""Export the 通报 as a 公文 (PDF or Word, the list as its 附件) or its list as Excel.

    python manage.py export_announcement --campaign 2024 --format pdf -o 典型案例名单.pdf
    python manage.py export_announcement --campaign 2024 --format xlsx

The file is written under a temporary name beside its destination, then renamed: a
reader never sees half a document.
"""

from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from core.command_output import output_format, resolve_output, write_output
from reviews.enums import PublicationKind
from reviews.management.arguments import campaign_by_year
from reviews.outcome.announcement_documents import ANNOUNCED_STATES, announcement_filename, render_announcement_xlsx
from reviews.outcome.official_documents import render_announcement_pdf, render_official_docx


def render_announcement_docx(campaign) -> bytes:
    return render_official_docx(campaign, PublicationKind.ANNOUNCEMENT)


RENDERERS = {"pdf": render_announcement_pdf, "docx": render_announcement_docx, "xlsx": render_announcement_xlsx}


class Command(BaseCommand):
    help = _("将征集活动的通报导出为 PDF 或 Word（docx）文件，或将入选案例名单导出为 Excel（xlsx）文件。")

    def add_arguments(self, parser):
        parser.add_argument("--campaign", required=True, help=_("征集活动的年度，如 2024"))
        parser.add_argument(
            "--format", dest="document_format", help=_("pdf、docx 或 xlsx；不填时按输出文件的扩展名确定。")
        )
        parser.add_argument("-o", "--output", help=_("输出文件；不填时写入当前目录，文件名为名单标题。"))

    def handle(self, *args, campaign, document_format, output, **options):
        document_format = output_format(document_format, output, RENDERERS)
        campaign = campaign_by_year(campaign)
        target = resolve_output(output, lambda: announcement_filename(campaign, document_format))
        data = RENDERERS[document_format](campaign)
        write_output(target, data)
        count = campaign.cases.filter(state__in=ANNOUNCED_STATES).count()
        self.stdout.write(
            _("已导出：%(path)s（%(count)d 个入选案例，%(size)d 字节）")
            % {"path": target, "count": count, "size": len(data)}
        )
