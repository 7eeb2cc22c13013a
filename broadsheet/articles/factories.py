import factory
from django.utils import timezone
from django.utils.text import slugify

from broadsheet.articles.models import ArticleByline, ArticlePage
from broadsheet.discovery.search_index import search_entry_refresh
from broadsheet.sections.factories import SectionPageFactory


class ArticlePageFactory(factory.Factory):
    """A published article, through Wagtail's own publishing path.

    `first_published_at` backdates the story; `authors`, `topics` and `experts` fill its byline,
    topics and featured experts in order.
    """

    class Meta:
        model = ArticlePage

    title = factory.Sequence(lambda n: f"Story number {n} makes the news")
    slug = factory.LazyAttribute(lambda article: slugify(article.title))
    deck = "A deck that tells the reader why it matters"
    kind = "news"
    body = factory.LazyFunction(lambda: [("paragraph", "<p>The story's first paragraph.</p>")])

    @classmethod
    def _create(
        cls,
        model_class,
        *args,
        parent=None,
        authors=(),
        topics=(),
        experts=(),
        first_published_at=None,
        **kwargs,
    ):
        parent = parent or SectionPageFactory()
        article = parent.add_child(instance=model_class(**kwargs))
        for order, author in enumerate(authors):
            article.bylines.add(ArticleByline(author=author, sort_order=order))
        article.topics.set(topics)
        article.experts.set(experts)
        article.save_revision().publish()
        moment = first_published_at or timezone.now()
        ArticlePage.objects.filter(pk=article.pk).update(
            first_published_at=moment, last_published_at=moment
        )
        article.first_published_at = article.last_published_at = moment
        # Backdating bypasses publishing, so search is told the story's time here.
        search_entry_refresh(article_id=article.pk)
        return article
