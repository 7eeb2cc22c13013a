from broadsheet.articles.selectors import published_articles


def search_articles(*, query: str):
    """Live articles matching `query`, best match first."""
    return published_articles().search(query, operator="and")
