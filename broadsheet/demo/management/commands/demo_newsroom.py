from django.core.management.base import BaseCommand, CommandError

from broadsheet.articles.models import ArticlePage
from broadsheet.demo.newsroom import (
    DEFAULT_ARTICLES,
    DEFAULT_DAYS,
    DEFAULT_SEED,
    demo_newsroom_create,
)


class Command(BaseCommand):
    help = (
        "Fill an empty database with the demo outlet: sections, authors, experts, topics, "
        "illustrations and weeks of published stories. Does nothing if articles exist."
    )

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="same seed, same news")
        parser.add_argument("--articles", type=int, default=DEFAULT_ARTICLES)
        parser.add_argument("--days", type=int, default=DEFAULT_DAYS, help="ending today")

    def handle(self, *args, seed, articles, days, **options):
        if articles < 1 or days < 1:
            raise CommandError("--articles and --days must be at least 1.")
        try:
            summary = demo_newsroom_create(
                seed=seed, articles=articles, days=days, report=self.stdout.write
            )
        except ValueError as error:
            raise CommandError(str(error)) from error
        if summary is None:
            count = ArticlePage.objects.count()
            self.stdout.write(f"The database already has {count} articles; demo not generated.")
            return
        formats = ", ".join(f"{name} {n}" for name, n in summary.formats.most_common())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo newsroom ready in {summary.seconds:.1f} s: {summary.articles} articles "
                f"({formats}), {summary.sections} sections, {summary.topics} topics, "
                f"{summary.authors} authors, {summary.experts} experts, {summary.images} images; "
                f"published {summary.first_published_at:%d %B %Y %H:%M} to "
                f"{summary.last_published_at:%d %B %Y %H:%M} ({summary.time_zone})."
            )
        )
