"""The pages of two of the three administrators (三权分立). The security administrator:
lockouts (lift early), roles, two-factor resets, the policy's figures. The audit
administrator: the audit log, filtered and exported. Each page answers 404 to everyone
else, the other administrators included. (The system administrator keeps organisations
and accounts in the admin, see accounts/admin.py.)"""

from datetime import datetime, time, timedelta

from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

import audit
from accounts import roles
from accounts.enums import Role
from accounts.models import User
from accounts.security.otp import otp_reset
from accounts.services import RoleRefused, user_role_set
from audit.models import AuditRecord, Result
from core.documents.excel import header_row, new_workbook, set_widths, text_cell, thin_border, workbook_bytes
from core.forms import NormalisedForm
from core.http import download_response

EXPORT_LIMIT = 50_000


def _security_admin_or_404(request) -> None:
    if not roles.is_security_admin(request.user):
        raise Http404


def _audit_admin_or_404(request) -> None:
    if not roles.is_audit_admin(request.user):
        raise Http404


def _locked_attempts():
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return AccessAttempt.objects.filter(
        failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
    ).order_by("-attempt_time")


class RoleForm(NormalisedForm):
    username = forms.CharField(label=gettext_lazy("登录账号"), max_length=150)
    role = forms.ChoiceField(label=gettext_lazy("角色"), choices=Role.choices)


@login_required
def security_admin(request):
    _security_admin_or_404(request)
    policy = [
        (_("密码最短长度"), settings.PASSWORD_MIN_LENGTH),
        (_("密码至少包含的字符类别"), settings.PASSWORD_MIN_CHARACTER_CLASSES),
        (_("不得重复最近使用的密码个数"), settings.PASSWORD_HISTORY_COUNT),
        (_("密码有效期（天，0 为不过期）"), settings.PASSWORD_MAX_AGE_DAYS),
        (_("连续登录失败锁定次数"), settings.SIGNIN_FAILURE_LIMIT),
        (_("锁定时长（分钟）"), settings.SIGNIN_LOCKOUT_MINUTES),
        (_("无操作自动退出（分钟）"), settings.SESSION_IDLE_MINUTES),
        (_("会话最长时间（小时）"), settings.SESSION_ABSOLUTE_HOURS),
        (_("同一账号仅允许一个会话"), _("是") if settings.SESSION_SINGLE else _("否")),
        (_("省局、推荐单位、专家须双因素认证"), _("是") if settings.SIGNIN_OTP_REQUIRED else _("否")),
        (_("审计记录保存（天）"), settings.AUDIT_RETENTION_DAYS),
    ]
    return render(
        request,
        "accounts/security_admin.html",
        {"locked": _locked_attempts(), "policy": policy, "role_form": RoleForm()},
    )


@login_required
@require_POST
def lockout_lift(request, pk: int):
    _security_admin_or_404(request)
    attempt = get_object_or_404(AccessAttempt, pk=pk)
    if attempt.username:
        axes_reset(username=attempt.username)
    if attempt.ip_address:
        axes_reset(ip=attempt.ip_address)
    audit.record(
        action="auth.unlocked",
        obj=("account", "", attempt.username or ""),
        request=request,
        username=attempt.username,
        ip=attempt.ip_address,
    )
    messages.success(request, _("已解除锁定：%(who)s") % {"who": attempt.username or attempt.ip_address})
    return redirect("accounts:security_admin")


@login_required
@require_POST
def role_set(request):
    _security_admin_or_404(request)
    form = RoleForm(request.POST)
    if form.is_valid():
        user = User.objects.select_related("organisation").filter(username=form.cleaned_data["username"]).first()
        if user is None:
            form.add_error("username", _("没有这个账号。"))
        else:
            try:
                user_role_set(user=user, role=form.cleaned_data["role"], actor=request.user)
            except RoleRefused as refused:
                form.add_error("role", str(refused))
            else:
                messages.success(
                    request,
                    _("已将 %(user)s 的角色改为「%(role)s」。")
                    % {"user": user.username, "role": user.get_role_display()},
                )
                return redirect("accounts:security_admin")
    return render(
        request,
        "accounts/security_admin.html",
        {"locked": _locked_attempts(), "policy": [], "role_form": form},
        status=400,
    )


@login_required
@require_POST
def otp_reset_view(request):
    _security_admin_or_404(request)
    user = User.objects.filter(username=request.POST.get("username", "")[:150]).first()
    if user is None:
        messages.error(request, _("没有这个账号。"))
    else:
        otp_reset(user=user, actor=request.user, request=request)
        messages.success(request, _("已清除 %(user)s 的双因素设备，其下次登录时须重新绑定。") % {"user": user.username})
    return redirect("accounts:security_admin")


class AuditFilterForm(NormalisedForm):
    actor = forms.CharField(label=gettext_lazy("用户"), max_length=150, required=False)
    action = forms.CharField(label=gettext_lazy("事件"), max_length=60, required=False)
    result = forms.ChoiceField(
        label=gettext_lazy("结果"), choices=[("", gettext_lazy("全部")), *Result.choices], required=False
    )
    since = forms.DateField(
        label=gettext_lazy("起始日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=gettext_lazy("截止日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


def _filtered(form: AuditFilterForm):
    records = AuditRecord.objects.order_by("-seq")
    if not form.is_valid():
        return records.none()
    data = form.cleaned_data
    if data["actor"]:
        records = records.filter(actor_name__icontains=data["actor"])
    if data["action"]:
        records = records.filter(action__startswith=data["action"])
    if data["result"]:
        records = records.filter(result=data["result"])
    zone = timezone.get_current_timezone()
    if data["since"]:
        records = records.filter(at__gte=datetime.combine(data["since"], time.min, tzinfo=zone))
    if data["until"]:
        records = records.filter(at__lt=datetime.combine(data["until"] + timedelta(days=1), time.min, tzinfo=zone))
    return records


@login_required
def audit_log(request):
    _audit_admin_or_404(request)
    form = AuditFilterForm(request.GET or None)
    records = _filtered(form) if request.GET else AuditRecord.objects.order_by("-seq")
    page = Paginator(records, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_log.html",
        {"form": form if request.GET else AuditFilterForm(), "page": page, "query": query.urlencode()},
    )


COLUMNS = [
    (gettext_lazy("序号"), 8),
    (gettext_lazy("时间"), 20),
    (gettext_lazy("用户"), 18),
    (gettext_lazy("事件"), 24),
    (gettext_lazy("结果"), 8),
    (gettext_lazy("对象"), 30),
    (gettext_lazy("地址"), 16),
    (gettext_lazy("详情"), 50),
]


@login_required
def audit_log_export(request):
    _audit_admin_or_404(request)
    form = AuditFilterForm(request.GET or None)
    records = list((_filtered(form) if request.GET else AuditRecord.objects.order_by("-seq"))[:EXPORT_LIMIT])
    workbook = new_workbook(title=_("安全审计日志"), creator=request.user.get_username())
    sheet = workbook.active
    sheet.title = _("审计日志")
    header_row(sheet, 1, [str(label) for label, _width in COLUMNS], border=thin_border(), height=22)
    set_widths(sheet, [width for _label, width in COLUMNS])
    for row, entry in enumerate(records, start=2):
        values = [
            entry.seq,
            timezone.localtime(entry.at).strftime("%Y-%m-%d %H:%M:%S"),
            entry.actor_name,
            f"{entry.action_label}（{entry.action}）",
            entry.get_result_display(),
            entry.object_repr,
            entry.address or "",
            ", ".join(f"{key}={value}" for key, value in sorted(entry.details.items())),
        ]
        for column, value in enumerate(values, start=1):
            text_cell(sheet, row, column, value)
    audit.record(action="audit.exported", request=request, rows=len(records), filters=request.GET.urlencode()[:500])
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return download_response(workbook_bytes(workbook), filename=f"安全审计日志-{stamp}.xlsx")
