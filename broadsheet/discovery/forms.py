from django import forms
from django.db.models import Exists, OuterRef

from broadsheet.articles.models import ArticleByline, ArticleKind
from broadsheet.articles.selectors import FIRST_DAY, LAST_DAY
from broadsheet.authors.models import Author
from broadsheet.discovery.search_engines import SearchFilters
from broadsheet.sections.models import SectionPage
from broadsheet.sections.selectors import live_sections

# Longer than any headline a reader would type; longer queries are refused, not truncated.
MAX_QUERY_LENGTH = 200


class ListedChoiceIterator(forms.models.ModelChoiceIterator):
    """A filter's choices read in one query. Django reads them through QuerySet.iterator(), which
    on PostgreSQL is a server-side cursor: three round trips for a dozen rows, on every search,
    and a cursor that a transaction-pooling PgBouncer cannot hold."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for obj in self.queryset:
            yield self.choice(obj)


class ListedChoiceField(forms.ModelChoiceField):
    iterator = ListedChoiceIterator


def archive_day(day):
    if day and not FIRST_DAY <= day <= LAST_DAY:
        raise forms.ValidationError(f"Choose a date between {FIRST_DAY} and {LAST_DAY}.")
    return day


class SearchForm(forms.Form):
    """The reader's search: words, then optional filters by section, kind, author and dates."""

    q = forms.CharField(
        label="Search stories",
        max_length=MAX_QUERY_LENGTH,
        error_messages={
            "required": "Type a word or two to search for.",
            "max_length": f"Search for at most {MAX_QUERY_LENGTH} characters.",
        },
    )
    section = ListedChoiceField(
        queryset=SectionPage.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="All sections",
    )
    kind = forms.ChoiceField(
        label="Kind", choices=[("", "All kinds"), *ArticleKind.choices], required=False
    )
    author = ListedChoiceField(
        queryset=Author.objects.none(),
        to_field_name="slug",
        required=False,
        empty_label="Any author",
    )
    date_from = forms.DateField(
        label="From", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label="To", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["section"].queryset = live_sections()
        self.fields["author"].queryset = Author.objects.filter(
            Exists(ArticleByline.objects.filter(author=OuterRef("pk")))
        )

    def clean_q(self) -> str:
        # Runs of spaces, tabs and newlines are one space to the reader.
        return " ".join(self.cleaned_data["q"].split())

    def clean_date_from(self):
        return archive_day(self.cleaned_data["date_from"])

    def clean_date_to(self):
        return archive_day(self.cleaned_data["date_to"])

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "The end date comes before the start date.")
        return cleaned

    def filters(self) -> SearchFilters:
        data = self.cleaned_data
        return SearchFilters(
            section_id=data["section"].pk if data.get("section") else None,
            kind=data.get("kind") or "",
            author_id=data["author"].pk if data.get("author") else None,
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
        )
