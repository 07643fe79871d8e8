"""The opinion rate limit identifies a client as the API throttles and the login limit do: by the
address the trusted proxies vouch for (settings.NUM_PROXIES), never by a header the client writes."""

from django.test import RequestFactory

from feedback.abuse import client_ip


def request_from(remote_addr: str, forwarded_for: str | None = None):
    headers = {"HTTP_X_FORWARDED_FOR": forwarded_for} if forwarded_for else {}
    return RequestFactory().get("/opinions/new/", REMOTE_ADDR=remote_addr, **headers)


def test_reached_directly_a_forged_forwarded_for_is_ignored():
    assert client_ip(request_from("203.0.113.7", "198.51.100.1")) == "203.0.113.7"


def test_behind_one_proxy_the_address_the_proxy_appended_is_the_client(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # The client wrote the first entry itself; the proxy appended the real address.
    assert client_ip(request_from("10.0.0.2", "198.51.100.1, 203.0.113.7")) == "203.0.113.7"
