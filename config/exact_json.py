"""Django's JSON serialisation with times kept to the microsecond, for backups.

Django's JSON encoder writes times to the millisecond: a restored row would differ
from the one backed up (and a timestamp in a hash chain would no longer match).
Registered as the serialisation format "exactjson" (settings.SERIALIZATION_MODULES).
"""

import datetime

from django.core.serializers import json as django_json
from django.core.serializers.json import DjangoJSONEncoder


class ExactEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            text = o.isoformat()
            return text[:-6] + "Z" if text.endswith("+00:00") else text
        return super().default(o)


class Serializer(django_json.Serializer):
    def _init_options(self):
        self.options["cls"] = ExactEncoder
        super()._init_options()


Deserializer = django_json.Deserializer
