"""Send the reminders that are due (催报、催评), each once.

    python manage.py send_reminders              # now, in this process
    python manage.py send_reminders --days 5     # units and authorities 5 days ahead
    python manage.py send_reminders --enqueue    # hand the work to the background worker

Run it from cron (hourly is plenty; running more often sends nothing twice):
    0 * * * *  cd /srv/app && .venv/bin/python manage.py send_reminders --enqueue
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from reviews.reminders.services import reminders_send
from reviews.reminders.tasks import send_reminders_task


class Command(BaseCommand):
    help = _("发送到期的催报、催评提醒（每条提醒只发送一次）。")

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=settings.REMINDER_DAYS_BEFORE_DEADLINE,
            help=_("截止前多少天开始提醒（默认取 REMINDER_DAYS_BEFORE_DEADLINE）"),
        )
        parser.add_argument("--enqueue", action="store_true", help=_("交给后台任务执行，而不是在本进程中发送"))

    def handle(self, *args, days, enqueue, **options):
        if enqueue:
            send_reminders_task.enqueue(days=days)
            self.stdout.write(_("已交给后台任务。"))
            return
        run = reminders_send(days=days)
        self.stdout.write(
            _(
                "已发送提醒：未提交案例 %(drafts)d 个单位，未报送推荐排序表 %(tables)d 个推荐单位，"
                "未提交评审 %(scores)d 人次；邮件 %(mails)d 封。"
            )
            % {"drafts": run.drafts, "tables": run.tables, "scores": run.scores, "mails": run.mails}
        )
