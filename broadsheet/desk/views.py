from django.shortcuts import render

from broadsheet.caching import keys
from broadsheet.core.pagination import paginate
from broadsheet.desk.selectors import public_corrections

PAGE_SIZE = 30


def corrections_index(request):
    corrections = paginate(request, public_corrections(), per_page=PAGE_SIZE)
    keys.tag(request, keys.NEWS)
    return render(request, "pages/corrections.html", {"corrections": corrections})
