from django.shortcuts import render

from broadsheet.core.pagination import paginate
from broadsheet.desk.selectors import public_corrections

PAGE_SIZE = 30


def corrections_index(request):
    corrections = paginate(request, public_corrections(), per_page=PAGE_SIZE)
    return render(request, "pages/corrections.html", {"corrections": corrections})
