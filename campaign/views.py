from django.http import HttpResponse


def public_lookup(request):
    return HttpResponse("todo")
