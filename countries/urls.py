from django.urls import path, register_converter

from countries import network, views


class ISO3Converter:
    """A country in a URL: three letters (ISO 3166-1 alpha-3), anything else is not found."""

    regex = "[A-Za-z]{3}"

    def to_python(self, value: str) -> str:
        return value.upper()

    def to_url(self, value: str) -> str:
        return value


register_converter(ISO3Converter, "iso3")

app_name = "countries"

urlpatterns = [
    path("", views.country_list, name="list"),
    path("observer-states/add/", views.observer_state_add, name="observer_add"),
    path("network/partners/", network.partner_list, name="partners"),
    path("network/partners/add/", network.partner_add, name="partner_add"),
    path("network/partners/<int:pk>/edit/", network.partner_edit, name="partner_edit"),
    path("network/partners/<int:pk>/delete/", network.partner_delete, name="partner_delete"),
    path("network/tools/", network.tool_list, name="tools"),
    path("network/tools/add/", network.tool_add, name="tool_add"),
    path("network/tools/<int:pk>/edit/", network.tool_edit, name="tool_edit"),
    path("network/tools/<int:pk>/uses/add/", network.tool_use_add, name="tool_use_add"),
    path("network/tool-uses/<int:pk>/delete/", network.tool_use_delete, name="tool_use_delete"),
    path("<iso3:iso3>/", views.country_detail, name="detail"),
    path("<iso3:iso3>/status/", views.country_status, name="status"),
    path("<iso3:iso3>/municipalities/add/", views.municipality_add, name="municipality_add"),
    path(
        "<iso3:iso3>/municipalities/<int:pk>/edit/",
        views.municipality_edit,
        name="municipality_edit",
    ),
    path(
        "<iso3:iso3>/municipalities/<int:pk>/delete/",
        views.municipality_delete,
        name="municipality_delete",
    ),
    path("<iso3:iso3>/focal-points/add/", views.focal_point_add, name="focal_point_add"),
    path(
        "<iso3:iso3>/focal-points/<int:pk>/edit/", views.focal_point_edit, name="focal_point_edit"
    ),
    path(
        "<iso3:iso3>/focal-points/<int:pk>/deactivate/",
        views.focal_point_deactivate,
        name="focal_point_deactivate",
    ),
    path(
        "<iso3:iso3>/focal-points/<int:pk>/reinvite/",
        views.focal_point_reinvite,
        name="focal_point_reinvite",
    ),
    path(
        "<iso3:iso3>/focal-points/<int:pk>/letter/",
        views.focal_point_letter,
        name="focal_point_letter",
    ),
]
