from django.urls import path

from reviews.experts import matrix_views
from reviews.experts import views as expert_views
from reviews.outcome import views as outcome_views
from reviews.ranking import queue as queue_views
from reviews.ranking import views as ranking_views
from reviews.setup import views as setup_views
from reviews.statistics import views as statistics_views

app_name = "reviews"

XLSX = {"extension": "xlsx"}
PDF = {"extension": "pdf"}

ranking = [
    # The authority's preliminary review and ranking table.
    path("review/", ranking_views.review_home, name="home"),
    path("review/<int:year>/", queue_views.queue, name="queue"),
    path("review/<int:year>/queue.xlsx", queue_views.queue_export, name="queue_xlsx"),
    path("review/<int:year>/bulk/", queue_views.queue_bulk, name="queue_bulk"),
    path("review/<int:year>/ranking/", ranking_views.ranking, name="ranking"),
    path("review/<int:year>/ranking/order/", ranking_views.ranking_order, name="ranking_order"),
    path("review/<int:year>/ranking/step/", ranking_views.ranking_step, name="ranking_step"),
    path("review/<int:year>/ranking/scan/", ranking_views.ranking_scan, name="ranking_scan"),
    path("review/<int:year>/ranking/submit/", ranking_views.ranking_submit_view, name="ranking_submit"),
    path("review/<int:year>/ranking/table.pdf", ranking_views.ranking_document, PDF, name="ranking_pdf"),
    path("review/<int:year>/ranking/table.xlsx", ranking_views.ranking_document, XLSX, name="ranking_xlsx"),
    # The province's view of the tables.
    path("province/<int:year>/", ranking_views.overview, name="overview"),
    path("province/<int:year>/tables/", ranking_views.overview, name="tables"),
    path("province/<int:year>/tables/<int:table_id>/scan/", ranking_views.table_scan, name="table_scan"),
    path("province/<int:year>/tables/<int:table_id>/return/", ranking_views.table_return, name="table_return"),
    path("province/<int:year>/cases/<int:pk>/return/", ranking_views.case_return, name="case_return"),
]

expert_review = [
    # The province's rounds and assignment.
    path("province/<int:year>/review/", expert_views.review_manage, name="review_manage"),
    path("province/<int:year>/review/stages/open/", expert_views.stage_open, name="stage_open"),
    path("province/<int:year>/review/stages/close/", expert_views.stage_close, name="stage_close"),
    path("province/<int:year>/review/auto-assign/", expert_views.auto_assign_view, name="auto_assign"),
    path("province/<int:year>/review/assign/", expert_views.assign, name="assign"),
    path("province/<int:year>/review/matrix/", matrix_views.assignment_matrix, name="assignment_matrix"),
    path(
        "province/<int:year>/review/matrix.xlsx", matrix_views.assignment_matrix_export, name="assignment_matrix_xlsx"
    ),
    path("province/<int:year>/review/matrix/save/", matrix_views.assignment_matrix_save, name="assignment_matrix_save"),
    path(
        "province/<int:year>/review/assignments/remove/",
        expert_views.assignment_remove_view,
        name="assignment_remove",
    ),
    path(
        "province/<int:year>/review/assignments/reopen/",
        expert_views.assignment_reopen_view,
        name="assignment_reopen",
    ),
    # The experts' side.
    path("expert/", expert_views.expert_queue, name="expert_queue"),
    path("expert/assignments.xlsx", expert_views.expert_queue_export, name="expert_queue_xlsx"),
    path("expert/assignments/<int:pk>/", expert_views.score_page, name="score"),
    path("expert/assignments/<int:pk>/conflict/", expert_views.declare_conflict, name="declare_conflict"),
    path("review-sheets/<int:stage_id>/", expert_views.review_sheets, name="review_sheets"),
]

outcome = [
    path("province/<int:year>/results/", outcome_views.results, name="results"),
    path("province/<int:year>/results/decide/", outcome_views.results_decide, name="results_decide"),
    path("province/<int:year>/results/complete/", outcome_views.complete_reviews, name="complete_reviews"),
    path("province/<int:year>/results/advance/", outcome_views.stage_advance_view, name="stage_advance"),
    path("province/<int:year>/results/rules/", outcome_views.selection_rules, name="selection_rules"),
    path("province/<int:year>/results/scores.xlsx", outcome_views.score_sheet, name="score_sheet"),
    path("province/<int:year>/publication/", outcome_views.publication, name="publication"),
    path("province/<int:year>/publication/notice/", outcome_views.notice_publish_view, name="notice_publish"),
    path("province/<int:year>/publication/objections/", outcome_views.objection_record_view, name="objection_record"),
    path(
        "province/<int:year>/publication/objections/answer/",
        outcome_views.objection_answer_view,
        name="objection_answer",
    ),
    path(
        "province/<int:year>/publication/announcement/",
        outcome_views.announcement_publish_view,
        name="announcement_publish",
    ),
    path(
        "province/<int:year>/publication/announcement.pdf",
        outcome_views.announcement_document,
        PDF,
        name="announcement_pdf",
    ),
    path(
        "province/<int:year>/publication/announcement.xlsx",
        outcome_views.announcement_document,
        XLSX,
        name="announcement_xlsx",
    ),
    path(
        "province/<int:year>/publication/announcement.docx",
        outcome_views.announcement_document,
        {"extension": "docx"},
        name="announcement_docx",
    ),
    path("province/<int:year>/publication/notice.pdf", outcome_views.notice_document, PDF, name="notice_pdf"),
    path(
        "province/<int:year>/publication/notice.docx",
        outcome_views.notice_document,
        {"extension": "docx"},
        name="notice_docx",
    ),
    path("province/<int:year>/nrta/", outcome_views.nrta, name="nrta"),
    path("province/<int:year>/nrta/up/", outcome_views.nrta_move_up, name="nrta_move_up"),
    path("province/<int:year>/nrta/down/", outcome_views.nrta_move_down, name="nrta_move_down"),
    path("province/<int:year>/nrta/packages/", outcome_views.nrta_package_request_view, name="nrta_package_request"),
]

setup = [
    # The province's set-up pages: campaigns, settings by section, the form-schema editor.
    path("province/campaigns/", setup_views.campaign_list, name="campaigns"),
    path("province/campaigns/new/", setup_views.campaign_new, name="campaign_new"),
    path("province/<int:year>/setup/", setup_views.settings_page, name="setup"),
    *(
        path(f"province/<int:year>/setup/{key}/", view, name=f"setup_{key}")
        for key, view in setup_views.SECTION_VIEWS.items()
    ),
    path("province/<int:year>/setup/forms/<slug:code>/", setup_views.schema_editor, name="schema_editor"),
    path("province/<int:year>/setup/forms/<slug:code>/preview/", setup_views.schema_preview, name="schema_preview"),
]

statistics = [
    # The province's (whole province) and each authority's (its own units) figures.
    path("statistics/", statistics_views.statistics_home, name="statistics_home"),
    path("statistics/<int:year>/", statistics_views.statistics, name="statistics"),
    path("statistics/<int:year>/statistics.xlsx", statistics_views.statistics_xlsx, name="statistics_xlsx"),
    path("province/<int:year>/statistics/weights/", statistics_views.league_weights_view, name="league_weights"),
]

urlpatterns = ranking + expert_review + outcome + setup + statistics
