from django.urls import path

from tongban.catalog.views import bundles, guide, overview, portal

app_name = "catalog"

urlpatterns = [
    path("guide/", portal.browse, name="browse"),
    path("guide/items/<str:code>/", guide.item_guide, name="item_guide"),
    path("guide/bundles/", bundles.bundles, name="bundles"),
    path("guide/bundles/<slug:code>/", bundles.bundle_page, name="bundle"),
    path("guide/items/<str:code>/materials/", guide.item_materials, name="item_materials"),
    path("guide/items/<str:code>/qr.svg", guide.item_qr, name="item_qr"),
    path("guide/items/<str:code>/guide.pdf", guide.item_guide_pdf, name="item_guide_pdf"),
    path("manage/catalog/", overview.overview, name="overview"),
]
