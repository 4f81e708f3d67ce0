from django.urls import path

from countries import views

app_name = "countries"

urlpatterns = [
    path("", views.country_list, name="list"),
    path("observer-states/add/", views.observer_state_add, name="observer_add"),
    path("<str:iso3>/", views.country_detail, name="detail"),
    path("<str:iso3>/status/", views.country_status, name="status"),
    path("<str:iso3>/municipalities/add/", views.municipality_add, name="municipality_add"),
    path(
        "<str:iso3>/municipalities/<int:pk>/edit/",
        views.municipality_edit,
        name="municipality_edit",
    ),
    path(
        "<str:iso3>/municipalities/<int:pk>/delete/",
        views.municipality_delete,
        name="municipality_delete",
    ),
    path("<str:iso3>/focal-points/add/", views.focal_point_add, name="focal_point_add"),
    path("<str:iso3>/focal-points/<int:pk>/edit/", views.focal_point_edit, name="focal_point_edit"),
    path(
        "<str:iso3>/focal-points/<int:pk>/deactivate/",
        views.focal_point_deactivate,
        name="focal_point_deactivate",
    ),
    path(
        "<str:iso3>/focal-points/<int:pk>/reinvite/",
        views.focal_point_reinvite,
        name="focal_point_reinvite",
    ),
    path(
        "<str:iso3>/focal-points/<int:pk>/letter/",
        views.focal_point_letter,
        name="focal_point_letter",
    ),
]
