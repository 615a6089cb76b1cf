from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

import audit
from audit.models import AuditRecord
from audit.verify import PURGE_ACTION

# 《网络安全法》第二十一条: network logs are kept no less than six months.
MINIMUM_RETENTION_DAYS = 180


class Command(BaseCommand):
    help = "Delete audit records older than --days (at least 180). On PostgreSQL run it as the owner role."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=None)

    def handle(self, *args, days=None, **options):
        days = settings.AUDIT_RETENTION_DAYS if days is None else days
        if days < MINIMUM_RETENTION_DAYS:
            raise CommandError(
                _("审计记录至少保存 %(minimum)d 天，不能清理 %(days)d 天内的记录。")
                % {"minimum": MINIMUM_RETENTION_DAYS, "days": days}
            )
        cutoff = timezone.now() - timedelta(days=days)
        with transaction.atomic():
            doomed = AuditRecord.objects.filter(at__lt=cutoff).order_by("-seq").first()
            if doomed is None:
                self.stdout.write(_("没有早于 %(days)d 天的审计记录。") % {"days": days})
                return
            # The first record kept must still chain: the purge writes down where it cut.
            audit.record(action=PURGE_ACTION, through_seq=doomed.seq, last_hash=doomed.hash, days=days)
            count, _details = AuditRecord.objects.filter(seq__lte=doomed.seq).delete()
        self.stdout.write(_("已清理 %(count)d 条审计记录（#%(seq)d 及以前）。") % {"count": count, "seq": doomed.seq})
