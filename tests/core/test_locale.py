import pytest
from django.conf import settings

pytestmark = pytest.mark.django_db


def test_vietnamese_is_shown_whatever_the_browser_asks_for(client):
    response = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert '<html lang="vi">' in response.text
    assert "Đăng nhập" in response.text


def test_the_language_switch_chooses_english(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get("/accounts/login/")
    assert '<html lang="en">' in page.text
    assert "Log in" in page.text


def test_an_unknown_language_cookie_falls_back_to_vietnamese(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "xx"
    assert '<html lang="vi">' in client.get("/accounts/login/").text
