from broadsheet.desk.services import breaking_news_supersede


def on_breaking_news_saved(sender, instance, created, **kwargs):
    if created:
        breaking_news_supersede(flag=instance)
