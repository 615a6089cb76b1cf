"""The world the access matrix and the fuzz test share: the fixed cast, and one real
object of each kind a URL names (a case in expert review, a draft with a file and a
link, a provincial unit's case, a ranking table, a round, an assignment, a package, a
pending registration, a lockout, a message in someone's inbox, an authenticator), built
once per module; plus every URL pattern of the resolver,
with those real ids substituted."""

import re
from dataclasses import dataclass
from types import SimpleNamespace

from axes.models import AccessAttempt
from django.contrib.auth.tokens import default_token_generator
from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import connection
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.enums import NotificationEvent, RegistrationStatus
from accounts.models import Notification
from applications.enums import AttachmentKind
from applications.models import Case
from applications.services import attachment_add, link_add
from audit.models import AuditRecord, Result
from core.models import Job, JobStatus
from reviews.models import ExpertAssignment, ReviewStage
from reviews.ranking.services import ranking_scan_upload, table_for
from tests.factories import UnitFactory, make_case, pdf_upload, put_in_state

ROLES = (
    "anonymous",
    "applicant_a",
    "applicant_b",
    "applicant_p",
    "reviewer_a",
    "reviewer_b",
    "province_reviewer",
    "province_admin",
    "expert_assigned",
    "expert_unassigned",
    "expert_second_round",
    "system_admin",
    "security_admin",
    "audit_admin",
)


def build_world(cast) -> SimpleNamespace:
    in_review = put_in_state(
        make_case(campaign=cast.campaign, applicant=cast.applicant_a), "in_expert_review", expert=cast.expert_assigned
    )
    draft = make_case(campaign=cast.campaign, applicant=cast.applicant_a)
    evidence = attachment_add(
        case=draft, actor=cast.applicant_a, uploaded=pdf_upload("佐证.pdf"), kind=AttachmentKind.EVIDENCE
    )
    link = link_add(case=draft, actor=cast.applicant_a, title="视频", url="https://pan.baidu.com/s/1AbC")
    provincial = make_case(campaign=cast.campaign, applicant=cast.applicant_p)
    pending = UnitFactory(
        name="待审核融媒体中心", code="pending", authority=cast.city_a, registration_status=RegistrationStatus.PENDING
    )
    package = Job(
        kind="nrta_package",
        scope=f"campaign:{cast.campaign.pk}",
        params={"campaign": cast.campaign.pk},
        title="2024 年度推荐材料包",
        status=JobStatus.DONE,
        filename="package.zip",
        requested_by=cast.province_admin,
    )
    package.file.save("package.zip", ContentFile(b"PK\x05\x06" + bytes(18)), save=False)
    package.save()
    table = table_for(campaign=cast.campaign, authority=cast.city_a)
    ranking_scan_upload(table=table, actor=cast.reviewer_a, uploaded=pdf_upload("排序表.pdf"))
    # A login name locked by five failures from one address (django-axes' record; not a
    # member of the cast, whose signing in would clear it).
    lockout = AccessAttempt.objects.create(
        username="jlgd-admin",
        ip_address="10.9.8.7",
        user_agent="",
        http_accept="",
        path_info="/accounts/login/",
        get_data="",
        post_data="",
        failures_since_start=5,
    )
    notification = Notification.objects.create(
        recipient=cast.applicant_b, event=NotificationEvent.CASE_TRANSITION, subject="案例状态变化", link="/"
    )
    # An authenticator being set up (unconfirmed: its owner is not asked for a code).
    totp_device = TOTPDevice.objects.create(user=cast.applicant_b, name="authenticator", confirmed=False)
    return SimpleNamespace(
        cast=cast,
        year=cast.campaign.year,
        in_review=in_review,
        draft=draft,
        evidence=evidence,
        link=link,
        provincial=provincial,
        pending=pending,
        table=table,
        stage=ReviewStage.objects.get(campaign=cast.campaign, order=1),
        assignment=ExpertAssignment.objects.get(case=in_review, expert=cast.expert_assigned),
        package=package,
        lockout=lockout,
        notification=notification,
        totp_device=totp_device,
        case_content_type=ContentType.objects.get_for_model(Case),
        uidb64=urlsafe_base64_encode(force_bytes(cast.applicant_a.pk)),
        token=default_token_generator.make_token(cast.applicant_a),
    )


def finish(response):
    """Read a streamed body to its end, which makes the test client's wrapper close it
    (and the file under it). Never `response.close()`: outside the client it fires
    request_finished, which closes the database connection of the test's transaction
    on PostgreSQL."""
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return response


def user_of(world, role: str):
    return None if role == "anonymous" else getattr(world.cast, role)


# --- the resolver ---------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    key: str  # the URL name ("reviews:queue"), or the route itself for an unnamed pattern
    route: str
    converters: tuple[str, ...]


def all_routes() -> list[Route]:
    found = []

    def walk(resolver, prefix: str, namespace: str | None):
        for pattern in resolver.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = pattern.namespace
                joined = f"{namespace}:{inner}" if namespace and inner else inner or namespace
                walk(pattern, prefix + str(pattern.pattern), joined)
            elif isinstance(pattern, URLPattern):
                route = prefix + str(pattern.pattern)
                name = pattern.name and (f"{namespace}:{pattern.name}" if namespace else pattern.name)
                found.append(Route(key=name or route, route=route, converters=tuple(_names(route))))

    walk(get_resolver(), "", None)
    return found


def _names(route: str) -> list[str]:
    return [a or b for a, b in re.findall(r"<(?:\w+:)?(\w+)>|\(\?P<(\w+)>", route)]


def url_for(route: Route, kwargs: dict) -> str:
    if "/" not in route.key and "(" not in route.key:
        return reverse(route.key, kwargs={name: kwargs[name] for name in route.converters})
    # An unnamed pattern (the admin's redirects and catch-all): the route filled in by hand.
    path = route.route.lstrip("^").rstrip("$")
    for name in route.converters:
        path = re.sub(rf"<(?:\w+:)?{name}>|\(\?P<{name}>[^)]*\)", str(kwargs[name]), path)
    return "/" + path


def id_of(world, source):
    """A world's object's pk (or the cast member's), or `source` itself."""
    if isinstance(source, str):
        source = getattr(world, source, getattr(world.cast, source, source))
    return getattr(source, "pk", source)


def kwargs_for(world, route, access) -> dict:
    values = {"year": world.year}
    for name, source in access.ids.items():
        values[name] = id_of(world, source)
    missing = [name for name in route.converters if name not in values]
    assert not missing, f"{route.key}: say in tests/security/access.py which objects fill {missing}"
    return values


# --- writes ---------------------------------------------------------------------------

# Tables a refused request may still write: the session (Django saves it when a page
# adds a message, and the sign-in policy touches it on every request), and the audit log
# (AUDIT_TABLE), but only to record a refusal or a failure: WriteRecorder.audit_leaks.
WRITES_IGNORED = {"django_session"}
AUDIT_TABLE = AuditRecord._meta.db_table
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM|REPLACE\s+INTO)\s+"?(\w+)"?', re.IGNORECASE)


class WriteRecorder:
    """Every INSERT, UPDATE and DELETE the database is sent while it is installed
    (`with connection.execute_wrapper(recorder)`), by table: no fingerprint of the
    tables can be as exact, nor as cheap. Records appended to the audit log are counted
    apart (`audited`): a refused request may write the refusal there, nothing else."""

    def __init__(self):
        self.writes: list[str] = []
        self.audited = 0

    def __call__(self, execute, sql, params, many, context):
        match = _WRITE.match(sql)
        if match and match.group(2) not in WRITES_IGNORED:
            verb = match.group(1).split()[0].upper()
            if match.group(2) == AUDIT_TABLE and verb == "INSERT":
                self.audited += 1
            else:
                self.writes.append(f"{verb} {match.group(2)}")
        return execute(sql, params, many, context)

    def recording(self):
        self.writes = []
        self.audited = 0
        return connection.execute_wrapper(self)

    def audit_leaks(self) -> list[str]:
        """The audit records of the last request that say something was done (result
        ok): a refused request must leave none. Read before the request is rolled back."""
        if not self.audited:
            return []
        latest = AuditRecord.objects.order_by("-seq")[: self.audited]
        return [f"audit {entry.action} ({entry.result})" for entry in latest if entry.result == Result.OK]
