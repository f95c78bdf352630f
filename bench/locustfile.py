"""The load run's simulated people (locust, started by bench/load.py; not imported by Django).

The plan (JSON, path in BENCH_LOAD_PLAN) names signed-in sessions and the URLs each kind of
person uses. Requests go to gunicorn over plain HTTP on loopback as if through the TLS proxy
(X-Forwarded-Proto: https, the production settings' secure cookies sent by hand)."""

import itertools
import json
import os
import random
import re
import uuid
from pathlib import Path

from locust import HttpUser, between, task

PLAN = json.loads(Path(os.environ["BENCH_LOAD_PLAN"]).read_text(encoding="utf-8"))
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SUBMISSION = re.compile(r'name="submission" value="([^"]*)"')
PROGRAM = re.compile(r'<select name="program"[^>]*>.*?<option value="(\d+)"', re.S)
_turns = {kind: itertools.cycle(PLAN[kind]) for kind in ("staff", "reps", "finance")}


class Person(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    kind = ""

    def on_start(self):
        self.me = next(_turns[self.kind])
        self.cookies = {PLAN["session_cookie"]: self.me["session"]}

    def _headers(self, extra=None):
        cookie = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        return {"Cookie": cookie, "X-Forwarded-Proto": "https", **(extra or {})}

    def page(self, url, name):
        with self.client.get(
            url, headers=self._headers(), name=name, allow_redirects=False, catch_response=True
        ) as response:
            if response.status_code != 200:
                response.failure(f"{response.status_code} for {url}")
            return response


class StaffUser(Person):
    weight = 5
    kind = "staff"

    @task
    def browse(self):
        name, url = random.choice(self.me["pages"])
        self.page(url, f"staff: {name}")


class RepUser(Person):
    weight = 4
    kind = "reps"

    @task(2)
    def open_material(self):
        self.page(self.me["library"], "rep: library")
        self.page(random.choice(self.me["assets"]), "rep: open an asset")

    @task(1)
    def register_deal(self):
        form = self.page(self.me["register"], "rep: registration form")
        if form.status_code != 200:
            return
        html = form.text
        token = CSRF_FIELD.search(html)
        program = PROGRAM.search(html)
        if token is None or program is None:
            return
        csrf_cookie = form.cookies.get(PLAN["csrf_cookie"])
        if csrf_cookie:
            self.cookies[PLAN["csrf_cookie"]] = csrf_cookie
        submission = SUBMISSION.search(html)
        body = {
            "csrfmiddlewaretoken": token.group(1),
            "submission": submission.group(1) if submission else "",
            "program": program.group(1),
            "customer_name": f"{PLAN['deal_prefix']}{uuid.uuid4().hex[:12]}株式会社",
            "contact_name": "負荷 太郎",
            "product": "ベンチマーク",
            "amount_one_time": "1200000",
            "currency": "JPY",
        }
        headers = self._headers({"Origin": PLAN["origin"], "Referer": PLAN["origin"] + "/"})
        with self.client.post(
            self.me["register"],
            data=body,
            headers=headers,
            name="rep: register a deal (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as response:
            if response.status_code != 302 or "/portal/deals/" not in response.headers.get(
                "Location", ""
            ):
                response.failure(f"registration answered {response.status_code}")


class FinanceUser(Person):
    weight = 1
    kind = "finance"

    @task(1)
    def statements(self):
        self.page(self.me["list"], "finance: statements")

    @task(2)
    def download(self):
        response = self.page(random.choice(self.me["pdfs"]), "finance: statement PDF")
        if response.status_code == 200 and not response.content.startswith(b"%PDF"):
            response.failure("not a PDF")
