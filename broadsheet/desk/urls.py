from django.urls import path

from broadsheet.desk import views

app_name = "desk"
urlpatterns = [path("", views.corrections_index, name="corrections")]
