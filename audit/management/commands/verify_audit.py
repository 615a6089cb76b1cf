from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from audit.verify import chain_verify


class Command(BaseCommand):
    help = "Verify the audit log's hash chain; name the first deleted or altered record."

    def handle(self, *args, **options):
        checked, broken = chain_verify()
        if broken is not None:
            raise CommandError(_("审计日志校验失败：%(message)s") % {"message": broken.message})
        self.stdout.write(_("审计日志完整：已校验 %(count)d 条记录。") % {"count": checked})
