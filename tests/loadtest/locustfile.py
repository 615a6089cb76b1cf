"""The deadline rush's simulated applicants (run by tests/loadtest/run.py).

    AutosaveUser   opens its own draft's editor, then saves it as the editor does
                   (every 2.5 s or so while typing), each save a new text; remembers
                   the last save the server acknowledged.
    FlatOutAutosave / FlatOutTrivial   no pause: the server's throughput at
                   saturation, for an autosave and for a trivial signed-in POST.

Clients come from the JSON file in LOADTEST_CLIENTS ({"case": id, "session": key,
"csrf": the CSRF cookie's secret}),
one per simulated user; acknowledged saves are written to LOADTEST_RESULTS at the end.
"""

import itertools
import json
import os
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

from locust import between, constant, events, task
from locust.contrib.fasthttp import FastHttpUser

# locust loads this file by path: the project's root on the path for its modules.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
from tests.loadtest.editor_form import editor_fields  # noqa: E402

CLIENTS = json.loads(open(os.environ["LOADTEST_CLIENTS"], encoding="utf-8").read())
_next_client = itertools.count()
_lock = threading.Lock()
ACKNOWLEDGED: dict[int, dict] = {}
# Every autosave answered: (when it was sent, its response time in ms), and when the
# last client had started: the rush's percentiles over the whole run and over the part
# where every client was running (tests/loadtest/run.py).
TIMINGS: list[tuple[float, float]] = []
SPAWNED_AT: list[float] = []
FORM = "application/x-www-form-urlencoded"


class _Applicant(FastHttpUser):
    """geventhttpclient rather than requests: the generator shares the server's two
    cores, and requests costs it several times more CPU per request. Each client sends
    its own cookies (session, CSRF) on every request and the body the editor's script
    sends (static/js/case-editor.js: the form URL-encoded, its CSRF field included)."""

    abstract = True
    # A browser's fetch waits as long as the server takes: the server's own limit
    # (config/gunicorn.py, 120 s) decides, not the generator's default of 60 s.
    network_timeout = 180.0
    connection_timeout = 180.0

    def on_start(self):
        with _lock:
            self.client_spec = CLIENTS[next(_next_client) % len(CLIENTS)]
        self.case = self.client_spec["case"]
        self.headers = {
            "Cookie": f"sessionid={self.client_spec['session']}; csrftoken={self.client_spec['csrf']}",
            "Referer": f"{self.host}/cases/{self.case}/edit/",
        }
        with self.client.get(
            f"/cases/{self.case}/edit/", headers=self.headers, name="editor page", catch_response=True
        ) as page:
            if page.status_code != 200:
                page.failure(f"{page.status_code}")
                raise RuntimeError(f"editor page of case {self.case}: {page.status_code}")
            self.fields = editor_fields(page.text)
        self.section = next(name for name in self.fields if name.startswith("section__"))
        self.saves = 0

    def autosave(self):
        self.saves += 1
        marker = f"[loadtest case {self.case} save {self.saves}]"
        self.fields[self.section] = "本案例以县级融媒体中心为主体，推进新闻宣传与政务服务融合。" + marker
        with self.client.post(
            f"/cases/{self.case}/autosave/",
            data=urlencode(self.fields),
            headers={
                **self.headers,
                "Content-Type": FORM,
                "X-Requested-With": "fetch",
                "Accept": "application/json",
            },
            name="autosave",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code}: {(response.text or '')[:200]}")
                return
            answer = response.json()
            self.fields["version"] = str(answer["version"])
            with _lock:
                ACKNOWLEDGED[self.case] = {"marker": marker, "version": answer["version"]}
            response.success()


class AutosaveUser(_Applicant):
    wait_time = between(2.5, 3.5)

    @task
    def save(self):
        self.autosave()


class FlatOutAutosave(_Applicant):
    wait_time = constant(0)

    @task
    def save(self):
        self.autosave()


class FlatOutTrivial(_Applicant):
    wait_time = constant(0)

    @task
    def trivial(self):
        with self.client.post(
            "/loadtest/trivial/",
            data=urlencode({"csrfmiddlewaretoken": self.fields["csrfmiddlewaretoken"]}),
            headers={**self.headers, "Content-Type": FORM},
            name="trivial POST",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code == 200:
                response.success()
            else:
                response.failure(str(response.status_code))


@events.spawning_complete.add_listener
def _all_running(user_count, **kwargs):
    SPAWNED_AT.append(time.time())


@events.request.add_listener
def _timed(request_type, name, response_time, start_time=None, **kwargs):
    if name == "autosave":
        TIMINGS.append((start_time or time.time(), response_time))


@events.test_stop.add_listener
def _write_results(environment, **kwargs):
    results = os.environ.get("LOADTEST_RESULTS")
    if results:
        with open(results, "w", encoding="utf-8") as stream:
            json.dump({str(case): saved for case, saved in ACKNOWLEDGED.items()}, stream)
        with open(results + ".timings", "w", encoding="utf-8") as stream:
            json.dump({"spawned_at": SPAWNED_AT[:1], "autosaves": TIMINGS}, stream)
