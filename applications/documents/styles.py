"""The stylesheets of the printed documents, as the source WeasyPrint parses.

Every document's stylesheet (beside its HTML under templates/) starts with the rules
they all share, templates/documents/common.css: the running title, the page numbers,
the body font. Both the application form (applications/documents/pdf.py) and the
review documents (reviews/table_documents.py) load theirs through here.
"""

from django.template.loader import get_template

COMMON_STYLESHEET = "documents/common.css"


def stylesheet_source(*names: str) -> str:
    """The shared rules, then the document's own (`names`, in order): read through the
    template loaders (the files live beside the HTML, not under static/)."""
    return "\n".join(get_template(name).template.source for name in (COMMON_STYLESHEET, *names))
