import re
import unicodedata

from django.db import migrations, models

from accounts.validators import LANDLINE_PATTERN, MOBILE_PATTERN, credit_code_normalise, normalise_phone
from core.text import comparison_key, normalise_line


def _key(name: str) -> str:
    try:
        return comparison_key(name)
    except Exception:  # a name that cannot be normalised (NUL): compared as is
        return unicodedata.normalize("NFKC", re.sub(r"[\x00\ud800-\udfff]", "", name)).casefold()


def _cleaned(name: str) -> str:
    try:
        return normalise_line(name)
    except Exception:  # NUL or a lone surrogate: left for the administrator
        return name


def fill_name_keys(apps, schema_editor):
    """Give every organisation its name's comparison key, and its name as a name typed
    today is stored (core.text.normalise_line): a name registered with bidi controls
    ("\u202e心中体媒融县树梨\u202c", shown as 「梨树县融媒体中心」) now shows what it holds.
    Organisations registered before the rule may already collide ("农安县融媒体中心" and
    "\u200f农安县融媒体中心"): the first keeps the key, each later one keeps its name as
    it was and gets "（id）" appended to its key only, so this migration never fails on
    real data. Such pairs are listed on the migration's output for the administrator to
    merge or rename; a later rename in the admin recomputes the key and meets the rule."""
    Organisation = apps.get_model("accounts", "Organisation")
    seen: dict[str, str] = {}
    for organisation in Organisation.objects.order_by("id").only("id", "name").iterator():
        key = _key(organisation.name)
        cleaned = _cleaned(organisation.name)
        if (
            key not in seen
            and cleaned
            and cleaned != organisation.name
            and not Organisation.objects.filter(name=cleaned).exists()
        ):
            Organisation.objects.filter(pk=organisation.pk).update(name=cleaned)
            organisation.name = cleaned
        if key in seen:
            print(f"\n  同名单位：「{organisation.name}」(id {organisation.id}) 与「{seen[key]}」，请在管理后台核对。")
            key = f"{key}（{organisation.id}）"
        seen[key] = organisation.name
        Organisation.objects.filter(pk=organisation.pk).update(name_key=key)


def canonical_identifiers(apps, schema_editor):
    """Credit codes stored upper-case and without spaces, phone numbers in their one
    form, where that is possible without a collision (a code stored twice, in two cases,
    stays as it is for the administrator to look at) and the number is a number."""
    Organisation = apps.get_model("accounts", "Organisation")
    User = apps.get_model("accounts", "User")
    for organisation in Organisation.objects.exclude(credit_code="").only("id", "credit_code"):
        code = credit_code_normalise(organisation.credit_code)
        if code != organisation.credit_code and not Organisation.objects.filter(credit_code=code).exists():
            Organisation.objects.filter(pk=organisation.pk).update(credit_code=code)
    for user in User.objects.exclude(phone="").only("id", "phone"):
        phone = normalise_phone(user.phone)
        if phone != user.phone and (MOBILE_PATTERN.match(phone) or LANDLINE_PATTERN.match(phone)):
            User.objects.filter(pk=user.pk).update(phone=phone)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0003_province_admin_groups"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [
        migrations.AddField(
            model_name="organisation",
            name="name_key",
            field=models.CharField(default="", editable=False, max_length=2000, verbose_name="名称比对键"),
        ),
        migrations.RunPython(fill_name_keys, migrations.RunPython.noop),
        migrations.RunPython(canonical_identifiers, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="organisation",
            constraint=models.UniqueConstraint(
                condition=models.Q(("name_key", ""), _negated=True),
                fields=("name_key",),
                name="organisation_name_key_unique",
            ),
        ),
    ]
