from django.urls import path

from applications.views import attachments, cases, editor, phases, transitions

urlpatterns = [
    path("", cases.dashboard, name="dashboard"),
    # The province's page of the campaign: phase, moves, blockers, extensions.
    path("campaigns/<int:year>/phase/", phases.campaign_phase, name="campaign_phase"),
    path("campaigns/<int:year>/phase/<slug:action>/", phases.campaign_phase_move, name="campaign_phase_move"),
    path("campaigns/<int:year>/extensions/", phases.extension_create, name="extension_create"),
    path("cases.xlsx", cases.dashboard_export, name="dashboard_xlsx"),
    path("cases/new/", editor.case_new, name="case_new"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/actions/<slug:action>/", transitions.case_transition, name="case_transition"),
    path("cases/<int:pk>/edit/", editor.case_edit, name="case_edit"),
    path("cases/<int:pk>/delete/", editor.case_delete_view, name="case_delete"),
    path("cases/<int:pk>/autosave/", editor.case_autosave, name="case_autosave"),
    path("cases/<int:pk>/attachments/", attachments.attachment_upload, name="attachment_upload"),
    path(
        "cases/<int:pk>/attachments/<int:attachment_id>/", attachments.attachment_download, name="attachment_download"
    ),
    path(
        "cases/<int:pk>/attachments/<int:attachment_id>/delete/",
        attachments.attachment_delete,
        name="attachment_delete",
    ),
    path("cases/<int:pk>/links/", attachments.link_create, name="link_create"),
    path("cases/<int:pk>/links/<int:link_id>/delete/", attachments.link_delete, name="link_delete"),
    path("cases/<int:pk>/form.pdf", attachments.case_document, {"extension": "pdf"}, name="case_pdf"),
    path("cases/<int:pk>/form.docx", attachments.case_document, {"extension": "docx"}, name="case_docx"),
]
