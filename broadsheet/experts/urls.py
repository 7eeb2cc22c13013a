from django.urls import path

from broadsheet.experts import views

app_name = "experts"
urlpatterns = [
    path("", views.expert_index, name="index"),
    path("<slug:slug>/", views.expert_detail, name="detail"),
]
