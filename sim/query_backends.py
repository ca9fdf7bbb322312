"""Simulated back-ends of the kiosk's 自助查询 over HTTP: case progress, social insurance
payments and appointments, with demo records for the demo citizens (sim/citizens/demo.yaml).

`GET /cases?receipt_no=&phone_last4=`, `GET /contributions?id_number=`, `GET /appointments?id_number=`
answer `{"subject": {...}, "rows": [...]}`, or 404 when there is nothing. The tests' switches:
`down()` / `up()`, `slow_s` (answers late), `garbage` (an HTML error page with status 200), and
`wrong_person` (answers about another citizen: the kiosk must refuse to show it).
"""
from __future__ import annotations

import json
import threading
import time
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler
from urllib.parse import parse_qs, urlparse

from sim.http_service import SwitchableService

ZHANG, WANG, CHEN = "441900194910011236", "440106197803154829", "440305195607081023"

CASES = {   # receipt number → (phone given when applying, the case)
    "SL20261120-0012": ("13800138000", {"item_name": "社会保障卡申领", "applicant": "张建国", "step": "制卡中",
                                         "updated": "2026-11-25 16:40", "note": "预计11月28日可领取，可自助取件"}),
    "SL20261101-0345": ("13912345678", {"item_name": "不动产登记（转移登记）", "applicant": "陈淑芬",
                                         "step": "已办结，待领证", "updated": "2026-11-24 09:15",
                                         "note": "请带身份证到3号窗口领证"}),
}


def _contributions() -> dict[str, list[dict]]:
    months = [(date(2026, 10, 1) - timedelta(days=31 * i)).strftime("%Y-%m") for i in range(6)]
    wang = [{"month": m, "insurance": kind, "employer": "东莞市松湖智能科技有限公司", "base": "8000.00",
             "personal": personal} for m in months
            for kind, personal in (("养老保险", "640.00"), ("医疗保险", "160.00"))]
    chen = [{"month": m, "insurance": "城乡居民养老保险", "employer": "个人缴费", "base": "—", "personal": "300.00"}
            for m in months[:3]]
    return {WANG: wang, CHEN: chen}


def _appointments() -> dict[str, list[dict]]:
    today = date.today()
    return {ZHANG: [{"date": today.isoformat(), "slot": "10:00-10:30", "item_name": "社会保障卡申领",
                     "hall": "松山湖政务服务中心", "phone": "13800138000"},
                    {"date": (today + timedelta(days=3)).isoformat(), "slot": "14:30-15:00",
                     "item_name": "居住证申领", "hall": "松山湖政务服务中心", "phone": "13800138000"}],
            CHEN: [{"date": today.isoformat(), "slot": "09:30-10:00", "item_name": "不动产登记",
                    "hall": "松山湖政务服务中心", "phone": "13912345678"}]}


class QueryBackends(SwitchableService):
    name = "query-backends"

    def __init__(self, host: str = "127.0.0.1", port: int = 0):
        self.slow_s = 0.0
        self.garbage = False
        self.wrong_person = False
        self.asked: list[str] = []          # the paths asked, in order (no personal data kept)
        self.contributions, self.appointments = _contributions(), _appointments()
        self._lock = threading.Lock()
        super().__init__(host, port)

    def url(self, path: str) -> str:
        return f"http://{self.host}:{self.port}/{path}"

    def _find(self, path: str, q: dict) -> tuple[dict, list] | None:
        if path == "/cases":
            phone, case = CASES.get(q.get("receipt_no", ""), (None, None))
            if case is None or phone[-4:] != q.get("phone_last4"):
                return None         # a wrong phone finds nothing, as the real systems answer
            return {"receipt_no": q["receipt_no"]}, [case]
        records = {"/contributions": self.contributions, "/appointments": self.appointments}.get(path)
        if records is None or not records.get(q.get("id_number", "")):
            return None
        return {"id_number": q["id_number"]}, records[q["id_number"]]

    def handle(self, request: BaseHTTPRequestHandler) -> None:
        parsed = urlparse(request.path)
        with self._lock:
            self.asked.append(parsed.path)
        if self.slow_s:
            time.sleep(self.slow_s)
        if self.garbage:
            return self.send(request, 200, b"<html><body>502 Bad Gateway</body></html>", "text/html")
        found = self._find(parsed.path, {k: v[0] for k, v in parse_qs(parsed.query).items()})
        if found is None:
            return self.send(request, 404, b'{"error": "not found"}')
        subject, rows = found
        if self.wrong_person:       # a back-end bug: someone else's records
            subject = {"id_number": CHEN if subject.get("id_number") != CHEN else WANG,
                       "receipt_no": "SL20260101-9999"}
        self.send(request, 200, json.dumps({"subject": subject, "rows": rows}, ensure_ascii=False).encode())
