from django.urls import path

from indicators import views

app_name = "indicators"

urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("add/", views.cycle_add, name="add"),
    path("<int:pk>/", views.cycle_detail, name="detail"),
    path("<int:pk>/edit/", views.cycle_edit, name="edit"),
    path("<int:pk>/matrix.<str:fmt>", views.matrix_export, name="export"),
    path("<int:pk>/matrix/import/", views.matrix_import, name="import"),
    path("<int:pk>/matrix/version/<str:action>/", views.matrix_version, name="version"),
    path("<int:pk>/matrix/<str:kind>/add/", views.node_form, name="node_add"),
    path("<int:pk>/matrix/<str:kind>/<int:node>/edit/", views.node_form, name="node_edit"),
    path("<int:pk>/matrix/<str:kind>/<int:node>/delete/", views.node_delete, name="node_delete"),
    path("<int:pk>/matrix/<str:kind>/<int:node>/move/", views.node_move, name="node_move"),
    path("<int:pk>/<str:action>/", views.cycle_transition, name="transition"),
]
