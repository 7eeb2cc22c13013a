from django.tasks import task

from broadsheet.imports.images import imported_image_attach


@task()
def imported_image_fetch(record_id: int) -> bool:
    return imported_image_attach(record_id=record_id)
