"""Export the application form 申请表 of one case as Word or PDF.

    python manage.py export_case 42 --format pdf -o 申请表.pdf
    python manage.py export_case 42 --format docx      # <form title>-<case title>.docx here

The file is written next to its destination under a temporary name, then renamed:
a reader never sees half a document, and a failed export leaves nothing behind.
"""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from applications.documents import document_filename, render_case_docx, render_case_pdf
from applications.models import Case
from core.command_output import output_format, resolve_output, write_output

RENDERERS = {"docx": render_case_docx, "pdf": render_case_pdf}


class Command(BaseCommand):
    help = _("将案例的申请表导出为 Word（docx）或 PDF 文件。")

    def add_arguments(self, parser):
        parser.add_argument("case_id", help=_("案例编号"))
        parser.add_argument("--format", dest="document_format", help=_("docx 或 pdf；不填时按输出文件的扩展名确定。"))
        parser.add_argument("-o", "--output", help=_("输出文件；不填时写入当前目录，文件名为“申请表标题-案例名称”。"))

    def handle(self, *args, case_id, document_format, output, **options):
        case = self._case(case_id)
        document_format = output_format(document_format, output, RENDERERS)
        target = resolve_output(output, lambda: document_filename(case, document_format))
        data = RENDERERS[document_format](case)
        write_output(target, data)
        self.stdout.write(_("已导出：%(path)s（%(size)d 字节）") % {"path": target, "size": len(data)})

    def _case(self, case_id: str) -> Case:
        try:
            pk = int(case_id)
        except ValueError:
            raise CommandError(_("案例编号应为整数，现为「%(value)s」。") % {"value": case_id}) from None
        case = Case.objects.select_related("category__campaign").filter(pk=pk).first()
        if case is None:
            raise CommandError(_("编号为 %(pk)d 的案例不存在。") % {"pk": pk})
        return case
