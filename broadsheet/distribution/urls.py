from django.urls import path

from broadsheet.distribution import sitemaps
from broadsheet.distribution.feeds import AuthorFeed, SectionFeed, SiteFeed, TopicFeed

app_name = "distribution"
urlpatterns = [
    # Sitemaps and robots.txt
    path("robots.txt", sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", sitemaps.sitemap_index, name="sitemap-index"),
    path("sitemap-news.xml", sitemaps.news_sitemap, name="sitemap-news"),
    path("sitemap-<slug:section>.xml", sitemaps.standard_sitemap, name="sitemap"),
    # Feeds: the site's, then topics' and authors' (under those pages' addresses), then sections'.
    path("feed/", SiteFeed(), name="feed"),
    path("feed/atom/", SiteFeed("atom"), name="feed-atom"),
    path("feed.json", SiteFeed("json"), name="feed-json"),
    path("topics/<slug:slug>/feed/", TopicFeed(), name="topic-feed"),
    path("topics/<slug:slug>/feed/atom/", TopicFeed("atom"), name="topic-feed-atom"),
    path("topics/<slug:slug>/feed.json", TopicFeed("json"), name="topic-feed-json"),
    path("authors/<slug:slug>/feed/", AuthorFeed(), name="author-feed"),
    path("authors/<slug:slug>/feed/atom/", AuthorFeed("atom"), name="author-feed-atom"),
    path("authors/<slug:slug>/feed.json", AuthorFeed("json"), name="author-feed-json"),
    path("<slug:section>/feed/", SectionFeed(), name="section-feed"),
    path("<slug:section>/feed/atom/", SectionFeed("atom"), name="section-feed-atom"),
    path("<slug:section>/feed.json", SectionFeed("json"), name="section-feed-json"),
]
