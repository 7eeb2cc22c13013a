from broadsheet.core.outlet import outlet_settings


def outlet(request):
    return {"outlet": outlet_settings(request)}
