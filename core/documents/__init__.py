"""What every printed document shares, whatever app makes it:

    core.documents.pdf     the WeasyPrint pipeline: HTML + stylesheets -> PDF, offline
    core.documents.excel   the Excel house style: cells, widths, rows, print setup

The house style follows GB/T 9704 as the bureau's forms do: Noto Serif CJK SC for the
text (it stands for 仿宋 / 方正小标宋), Noto Sans CJK SC for headings (黑体), page
numbers "— 1 —". Documents are official Chinese papers whatever language the reader's
interface is in: they are made inside `official_language()`.
"""

from django.conf import settings
from django.utils import translation

SERIF = "Noto Serif CJK SC"
SANS = "Noto Sans CJK SC"


def official_language():
    """A context in the bureau's language (settings.LANGUAGE_CODE), for making a document."""
    return translation.override(settings.LANGUAGE_CODE)
