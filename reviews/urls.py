from django.urls import path

from reviews import views

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
]
