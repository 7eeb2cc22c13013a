from django.urls import path

from broadsheet.articles import views

app_name = "news"
urlpatterns = [
    path("", views.news_index, name="index"),
    path("<int:year>/<int:month>/<int:day>/", views.news_day, name="day"),
]
