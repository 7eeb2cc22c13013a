from django.urls import path

from broadsheet.discovery import views

app_name = "discovery"
urlpatterns = [path("", views.search, name="search")]
