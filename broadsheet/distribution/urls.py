app_name = "distribution"
urlpatterns = [
    # Sitemaps and robots.txt
    # Feeds
]
