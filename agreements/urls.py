from agreements.urls_document import urlpatterns as document_urls
from agreements.urls_editing import urlpatterns as editing_urls
from agreements.urls_signing import urlpatterns as signing_urls

app_name = "agreements"

urlpatterns = editing_urls + document_urls + signing_urls
