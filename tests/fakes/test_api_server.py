"""The fake-API base itself: routing, validation records, queued faults and after-hooks."""

import httpx

from tests.fakes.api_server import FakeAPI, Reply


def test_routes_faults_and_hooks() -> None:
    api = FakeAPI()
    seen = []

    @api.route("POST", r"/v1/things/(?P<tid>\d+)", "thing")
    def thing(req):
        if req.header("authorization") != "Bearer t":
            return api.reject(401, {"error": "auth"}, "missing bearer token")
        return Reply(201, {"id": req.params["tid"], "got": req.json()})

    with api:
        api.fail_next("thing", Reply(429, {"error": "slow"}, {"Retry-After": "1"}))
        api.after_next("thing", lambda req: seen.append(req.path))
        r1 = httpx.post(api.url + "/v1/things/7", json={"a": 1}, headers={"Authorization": "Bearer t"})
        r2 = httpx.post(api.url + "/v1/things/7", json={"a": 1}, headers={"Authorization": "Bearer t"})
        r3 = httpx.post(api.url + "/v1/things/7", json={})
        r4 = httpx.get(api.url + "/nope")
    assert (r1.status_code, r1.headers["retry-after"]) == (429, "1")
    assert r2.status_code == 201 and r2.json() == {"id": "7", "got": {"a": 1}}
    assert seen == ["/v1/things/7"]
    assert r3.status_code == 401 and r4.status_code == 404
    assert len(api.violations) == 2
    assert len(api.calls("thing")) == 3
