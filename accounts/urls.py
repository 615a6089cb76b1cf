from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views
from accounts.security import duties
from accounts.security import views as security_views

app_name = "accounts"

urlpatterns = [
    path("login/", security_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", security_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    # Public: a unit registers, then waits for its authority.
    path("register/", views.register, name="register"),
    path("register/done/", views.register_done, name="register_done"),
    # Public: password reset by email.
    path("password/reset/", security_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        security_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/complete/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    # Authorities (and the province, for provincial units) decide registrations.
    path("unit/", views.unit_profile, name="unit_profile"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/approve/", views.registrations_bulk_approve, name="registrations_bulk_approve"),
    path("registrations/<int:pk>/approve/", views.registration_approve, name="registration_approve"),
    path("registrations/<int:pk>/reject/", views.registration_reject, name="registration_reject"),
    # Sign-in and audit (signin-audit): two-factor, the user's security page, and the
    # pages of the security and audit administrators (三权分立).
    path("security/", security_views.account_security, name="account_security"),
    path("otp/setup/", security_views.otp_setup, name="otp_setup"),
    path("otp/verify/", security_views.otp_verify, name="otp_verify"),
    path("otp/recovery-codes/", security_views.otp_recovery_codes, name="otp_recovery_codes"),
    path("security-admin/", duties.security_admin, name="security_admin"),
    path("security-admin/lockouts/<int:pk>/lift/", duties.lockout_lift, name="lockout_lift"),
    path("security-admin/role/", duties.role_set, name="role_set"),
    path("security-admin/otp-reset/", duties.otp_reset_view, name="otp_reset"),
    path("audit/", duties.audit_log, name="audit_log"),
    path("audit/export/", duties.audit_log_export, name="audit_log_export"),
    # Everyone's inbox.
    path("inbox/", views.inbox_page, name="inbox"),
    path("inbox/<int:pk>/open/", views.inbox_open, name="inbox_open"),
    path("inbox/<int:pk>/read/", views.inbox_read, name="inbox_read"),
    path("inbox/read-all/", views.inbox_read_all, name="inbox_read_all"),
    # The province's wording of the messages.
    path("mail-templates/", views.mail_templates, name="mail_templates"),
    path("mail-templates/<slug:event>/", views.mail_template_edit, name="mail_template_edit"),
]
