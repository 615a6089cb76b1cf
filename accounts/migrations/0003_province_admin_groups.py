"""The province's administrators get a group of their own (accounts/roles.py): the
province's decisions are granted to it instead of to every member of the province."""

from django.db import migrations


def add_admins(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Organisation = apps.get_model("accounts", "Organisation")
    User = apps.get_model("accounts", "User")
    for province in Organisation.objects.filter(kind="province").select_related("group"):
        group, _created = Group.objects.get_or_create(name=f"{province.group.name}:province_admin")
        for user in User.objects.filter(organisation=province, role="province_admin"):
            user.groups.add(group)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0002_registration"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(add_admins, migrations.RunPython.noop)]
