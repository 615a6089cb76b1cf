from django.urls import path

from reviews import expert_views, province_views, views

app_name = "reviews"

urlpatterns = [
    path("review/", views.review_home, name="home"),
    path("review/<int:year>/", views.queue, name="queue"),
    path("review/<int:year>/ranking/", views.ranking, name="ranking"),
    path("review/<int:year>/ranking/order/", views.ranking_order, name="ranking_order"),
    path("review/<int:year>/ranking/step/", views.ranking_step, name="ranking_step"),
    path("review/<int:year>/ranking/scan/", views.ranking_scan, name="ranking_scan"),
    path("review/<int:year>/ranking/submit/", views.ranking_submit_view, name="ranking_submit"),
    path("review/<int:year>/ranking/table.pdf", views.ranking_document, {"extension": "pdf"}, name="ranking_pdf"),
    path("review/<int:year>/ranking/table.xlsx", views.ranking_document, {"extension": "xlsx"}, name="ranking_xlsx"),
    path("province/<int:year>/", views.overview, name="overview"),
    path("province/<int:year>/tables/", views.overview, name="tables"),
    path("province/<int:year>/tables/<int:table_id>/scan/", views.table_scan, name="table_scan"),
    path("province/<int:year>/tables/<int:table_id>/return/", views.table_return, name="table_return"),
    path("province/<int:year>/review/", province_views.review_manage, name="review_manage"),
    path("province/<int:year>/review/action/", province_views.review_action, name="review_action"),
    path("province/<int:year>/results/", province_views.results, name="results"),
    path("province/<int:year>/results/complete/", province_views.complete_reviews, name="complete_reviews"),
    path("province/<int:year>/results/scores.xlsx", province_views.score_sheet, name="score_sheet"),
    path("province/<int:year>/publication/", province_views.publication, name="publication"),
    path("province/<int:year>/publication/action/", province_views.publication_action, name="publication_action"),
    path(
        "province/<int:year>/publication/announcement.pdf",
        province_views.announcement_document,
        {"extension": "pdf"},
        name="announcement_pdf",
    ),
    path(
        "province/<int:year>/publication/announcement.xlsx",
        province_views.announcement_document,
        {"extension": "xlsx"},
        name="announcement_xlsx",
    ),
    path("province/<int:year>/nrta/", province_views.nrta, name="nrta"),
    path("province/<int:year>/nrta/action/", province_views.nrta_action, name="nrta_action"),
    path(
        "province/<int:year>/nrta/packages/<int:package_id>/",
        province_views.nrta_package_download,
        name="nrta_package",
    ),
    path("expert/", expert_views.expert_queue, name="expert_queue"),
    path("expert/assignments/<int:pk>/", expert_views.score_page, name="score"),
    path("expert/assignments/<int:pk>/conflict/", expert_views.declare_conflict, name="declare_conflict"),
    path("review-sheets/<int:stage_id>/", expert_views.review_sheets, name="review_sheets"),
]
