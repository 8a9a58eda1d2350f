"""A 404 or 405 under /app is a page in the layout; the API's paths keep their JSON problem
(FastAPI's TestClient)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.problems import PROBLEM
from tests.builders import make_ledger
from tests.unit.test_workspace_session import token_in


@pytest.fixture
def client() -> Iterator[TestClient]:
    ledger, _ = make_ledger()
    app = create_app(ledger, follow=False)
    app.state.manager_key = app.state.keys.create("manager", "manager-1")[1]
    yield TestClient(app, base_url="http://127.0.0.1")


def sign_in(client: TestClient) -> None:
    form = client.get("/app/sign-in")
    client.post("/app/sign-in", data={"api_key": client.app.state.manager_key,  # type: ignore[attr-defined]
                                      "csrf_token": token_in(form)})


def test_an_unknown_page_is_a_404_page_in_the_layout(client: TestClient) -> None:
    response = client.get("/app/nowhere")

    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    assert "<h1>Page not found</h1>" in response.text
    assert "There is no page at /app/nowhere." in response.text
    assert 'href="#main"' in response.text  # the layout's skip link


def test_a_signed_in_caller_keeps_the_navigation_on_a_404(client: TestClient) -> None:
    sign_in(client)

    response = client.get("/app/dashboard/nowhere")

    assert response.status_code == 404
    assert 'aria-label="Main"' in response.text
    assert "manager-1 (manager)" in response.text


def test_a_method_a_page_does_not_take_is_a_405_page_with_allow(client: TestClient) -> None:
    sign_in(client)
    token = token_in(client.get("/app/search"))

    response = client.post("/app/dashboard", data={"csrf_token": token})

    assert response.status_code == 405
    assert response.headers["content-type"].startswith("text/html")
    assert response.headers["allow"] == "GET"
    assert "<h1>Method not allowed</h1>" in response.text
    assert "/app/dashboard does not take POST; it takes GET." in response.text


def test_the_apis_paths_keep_their_json_problems(client: TestClient) -> None:
    missing = client.get("/nowhere")
    wrong_method = client.delete("/healthz")
    app_prefix_only = client.get("/application")

    for response, status in ((missing, 404), (wrong_method, 405), (app_prefix_only, 404)):
        assert response.status_code == status
        assert response.headers["content-type"] == PROBLEM
        assert response.json()["status"] == status
    assert wrong_method.headers["allow"] == "GET"
