from django.urls import path, register_converter

from broadsheet.articles import views


class FixedDigits:
    """A zero-padded number of fixed width: archive addresses have one spelling each."""

    width = 2

    @property
    def regex(self) -> str:
        return f"[0-9]{{{self.width}}}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return f"{value:0{self.width}d}"


class Year(FixedDigits):
    width = 4


register_converter(Year, "yyyy")
register_converter(FixedDigits, "nn")

app_name = "news"
urlpatterns = [
    path("", views.news_index, name="index"),
    path("<yyyy:year>/<nn:month>/<nn:day>/", views.news_day, name="day"),
]
