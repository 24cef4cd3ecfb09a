from rest_framework.views import APIView


class VinRecallsView(APIView):
    pass
