"""The case's narratives stored after every other column on SQLite.

SQLite keeps a row as one record: a column that follows a large one is found only by
walking the overflow pages of the large one. With the narratives (header, sections:
some 30 KB a case) before `updated_at`, `authority_id`, `unit_id`…, every list that
sorts, filters or shows a case read the whole case, texts included, from disk: a
dashboard of 9,000 readable cases read 270 MB to show 50 rows. Stored last, the small
columns sit in the row's first page and the texts are read only by those who select
them. PostgreSQL moves large values out of the row by itself (TOAST): nothing to do.

A column added to Case later lands after the narratives: if lists read it, name the
narratives again in a migration of the same operation.
"""

from django.db import migrations


class StoreColumnsLast(migrations.operations.base.Operation):
    """Move `fields` of `model_name` to the end of the model's columns (in this order),
    rebuilding the table on SQLite; a no-op in the database elsewhere."""

    reversible = True

    def __init__(self, model_name: str, fields: list[str]):
        self.model_name = model_name
        self.fields = fields

    def deconstruct(self):
        return self.__class__.__name__, [], {"model_name": self.model_name, "fields": self.fields}

    def state_forwards(self, app_label, state):
        model_state = state.models[app_label, self.model_name.lower()]
        fields = model_state.fields
        model_state.fields = {name: field for name, field in fields.items() if name not in self.fields} | {
            name: fields[name] for name in self.fields
        }
        state.reload_model(app_label, self.model_name.lower(), delay=True)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "sqlite":
            # Django's own table rebuild (as every AlterField on SQLite): a new table
            # in the model's column order, the rows copied, indexes and constraints
            # made again.
            schema_editor._remake_table(to_state.apps.get_model(app_label, self.model_name))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        # The previous order costs only speed: nothing to undo.
        pass

    def describe(self):
        return f"Store {', '.join(self.fields)} last in {self.model_name}"

    @property
    def migration_name_fragment(self):
        return f"{self.model_name.lower()}_store_last"


class Migration(migrations.Migration):
    dependencies = [
        ("applications", "0011_case_campaign_state_category_index"),
    ]

    operations = [
        # Smallest first: the sections (the six elements) are the bulk of a case.
        StoreColumnsLast(model_name="case", fields=["figures", "header", "sections"]),
    ]
