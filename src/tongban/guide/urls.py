from django.urls import path

from tongban.guide import views

app_name = "guide"

urlpatterns = [
    path("search/", views.search, name="search"),
    path("guide/ask/", views.ask, name="ask"),
    path("guide/open/<int:query_id>/", views.open_result, name="open"),
    path("manage/guide/", views.queries, name="queries"),
    path("manage/guide/vocabulary/", views.vocabulary_add, name="vocabulary_add"),
    path(
        "manage/guide/synonyms/<int:synonym_id>/retire/", views.synonym_stop, name="synonym_retire"
    ),
]
