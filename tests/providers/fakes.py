"""Fake AI vendors: real HTTP servers on 127.0.0.1 that speak each preset's documented API
(create, poll, callback, errors), so the gateway is tested over real sockets.

Each fake serves one vendor model (a Dialect says how that vendor shapes its answers) and
records every request. Behaviour knobs:
- `processing_polls`: the task reports an unfinished state this many polls (slow vendor);
- `fail_task`: the task ends failed with this vendor message;
- `disruptions`: what the next requests get instead of a normal answer, in order: an HTTP
  status (500, 503, 429 with Retry-After), "body:N" (HTTP 200 with error N in the vendor's
  body shape), "hang" (no answer within the client's read timeout) or "drop" (connection
  closed without an answer); then normal service;
- `reject`: 401 / 402 / 422 on create, in the vendor's own error shape.
The result files it links to are served by the same server, with real magic bytes.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlsplit

import httpx

FILES = {
    ".mp3": (b"ID3\x04\x00\x00\x00\x00\x00\x00" + b"\xff\xfb\x90\x64" + bytes(400), "audio/mpeg"),
    ".png": (b"\x89PNG\r\n\x1a\n" + bytes(300), "image/png"),
    ".jpg": (b"\xff\xd8\xff\xe0" + bytes(300), "image/jpeg"),
    ".mp4": (b"\x00\x00\x00\x18ftypmp42" + bytes(500), "video/mp4"),
    ".flac": (b"fLaC\x00\x00\x00\x22" + bytes(200), "audio/flac"),
    # What an expired link or a login wall serves under a media name and type.
    ".wav": (b"<html><body>Link expired</body></html>", "audio/wav"),
    ".empty": (b"", "audio/mpeg"),
}

Answer = tuple[int, dict[str, str], bytes]


def json_answer(body: Any, status: int = 200, headers: dict[str, str] | None = None) -> Answer:
    return (
        status,
        {"Content-Type": "application/json", **(headers or {})},
        json.dumps(body).encode(),
    )


@dataclass
class Recorded:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any


@dataclass
class Task:
    task_id: str
    body: Any
    polls: int = 0


class Dialect:
    """How one vendor model speaks. Subclasses fill in the shapes from the vendor's docs."""

    create_path = "/"
    poll_path: str | None = None  # None: a synchronous model
    extension = ".mp3"

    def created(self, task: Task) -> Answer:
        return json_answer({"code": 200, "msg": "success", "data": {"taskId": task.task_id}})

    def record(self, task: Task, state: str, step: int, urls: list[str], message: str) -> Answer:
        raise NotImplementedError

    def sync_answer(self, body: Any, urls: list[str]) -> Answer:
        raise NotImplementedError

    def error(self, status: int, message: str) -> Answer:
        """A refusal (401/402/422) in the vendor's shape."""
        return json_answer({"code": status, "msg": message, "data": None})

    def callback_body(self, task: Task, urls: list[str]) -> Any:
        return None


class _Kie(Dialect):
    def envelope(self, data: Any) -> Answer:
        return json_answer({"code": 200, "msg": "success", "data": data})


class KieSuno(_Kie):
    create_path, poll_path = "/api/v1/generate", "/api/v1/generate/record-info"
    STEPS = ("PENDING", "TEXT_SUCCESS", "FIRST_SUCCESS")

    def record(self, task: Task, state: str, step: int, urls: list[str], message: str) -> Answer:
        status = {"done": "SUCCESS", "failed": "GENERATE_AUDIO_FAILED"}.get(state)
        tracks = [
            {"id": f"t{n}", "audioUrl": url, "duration": 198.44} for n, url in enumerate(urls)
        ]
        return self.envelope(
            {
                "taskId": task.task_id,
                "status": status or self.STEPS[min(step, 2)],
                "response": {"taskId": task.task_id, "sunoData": tracks if state == "done" else []},
                "errorCode": 501 if state == "failed" else None,
                "errorMessage": message if state == "failed" else None,
            }
        )

    def callback_body(self, task: Task, urls: list[str]) -> Any:
        tracks = [{"id": f"t{n}", "audio_url": url} for n, url in enumerate(urls)]
        return {
            "code": 200,
            "msg": "All generated successfully.",
            "data": {"callbackType": "complete", "task_id": task.task_id, "data": tracks},
        }


class KieVeo(_Kie):
    create_path, poll_path, extension = "/api/v1/veo/generate", "/api/v1/veo/record-info", ".mp4"

    def record(self, task: Task, state: str, step: int, urls: list[str], message: str) -> Answer:
        flag = {"done": 1, "failed": 3}.get(state, 0)
        return self.envelope(
            {
                "taskId": task.task_id,
                "response": {"taskId": task.task_id, "resultUrls": urls}
                if state == "done"
                else None,
                "successFlag": flag,
                "errorCode": 400 if state == "failed" else None,
                "errorMessage": message if state == "failed" else "",
            }
        )


class KieFlux(_Kie):
    create_path, extension = "/api/v1/flux/kontext/generate", ".jpg"
    poll_path = "/api/v1/flux/kontext/record-info"

    def record(self, task: Task, state: str, step: int, urls: list[str], message: str) -> Answer:
        flag = {"done": 1, "failed": 3}.get(state, 0)
        response = {"originImageUrl": urls[0], "resultImageUrl": urls[0]} if state == "done" else {}
        return self.envelope(
            {
                "taskId": task.task_id,
                "response": response,
                "successFlag": flag,
                "errorMessage": message if state == "failed" else "",
            }
        )


class Kie4o(_Kie):
    create_path, extension = "/api/v1/gpt4o-image/generate", ".png"
    poll_path = "/api/v1/gpt4o-image/record-info"

    def record(self, task: Task, state: str, step: int, urls: list[str], message: str) -> Answer:
        status = {"done": "SUCCESS", "failed": "GENERATE_FAILED"}.get(state, "GENERATING")
        progress = "1.00" if state == "done" else f"{min(0.9, 0.25 * (step + 1)):.2f}"
        return self.envelope(
            {
                "taskId": task.task_id,
                "response": {"resultUrls": urls if state == "done" else None},
                "successFlag": {"done": 1, "failed": 2}.get(state, 0),
                "status": status,
                "errorMessage": message if state == "failed" else "",
                "progress": progress,
            }
        )


class KieRunway(_Kie):
    create_path, extension = "/api/v1/runway/generate", ".mp4"
    poll_path = "/api/v1/runway/record-detail"

    def record(self, task: Task, state: str, step: int, urls: list[str], message: str) -> Answer:
        waiting = ("wait", "queueing", "generating")[min(step, 2)]
        return self.envelope(
            {
                "taskId": task.task_id,
                "state": {"done": "success", "failed": "fail"}.get(state, waiting),
                "videoInfo": {"videoId": "v1", "videoUrl": urls[0]} if state == "done" else None,
                "failCode": 400 if state == "failed" else "",
                "failMsg": message if state == "failed" else "",
                "expireFlag": 0,
            }
        )


class KieMarket(_Kie):
    create_path, poll_path, extension = "/api/v1/jobs/createTask", "/api/v1/jobs/recordInfo", ".png"

    def record(self, task: Task, state: str, step: int, urls: list[str], message: str) -> Answer:
        # The market's recordInfo says `message`, not `msg`, and resultJson is a JSON string.
        data = {
            "taskId": task.task_id,
            "model": (task.body or {}).get("model"),
            "state": {"done": "success", "failed": "fail"}.get(
                state, ("waiting", "generating")[min(step, 1)]
            ),
            "resultJson": json.dumps({"resultUrls": urls}) if state == "done" else "",
            "failCode": "500" if state == "failed" else "",
            "failMsg": message if state == "failed" else "",
        }
        return json_answer({"code": 200, "message": "success", "data": data})


class HuggingFace(Dialect):
    create_path, extension = "/models/facebook/musicgen-small", ".flac"

    def sync_answer(self, body: Any, urls: list[str]) -> Answer:
        data, content_type = FILES[".flac"]
        return 200, {"Content-Type": content_type}, data

    def error(self, status: int, message: str) -> Answer:
        return json_answer({"error": message}, status)


class Zhipu(Dialect):
    create_path = "/api/paas/v4/chat/completions"

    def sync_answer(self, body: Any, urls: list[str]) -> Answer:
        prompt = body["messages"][-1]["content"]
        return json_answer(
            {
                "id": "chat-1",
                "model": body["model"],
                "choices": [
                    {
                        "index": 0,
                        "finish_reason": "stop",
                        "message": {"role": "assistant", "content": f"GLM says: {prompt}"},
                    }
                ],
                "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
            }
        )

    def error(self, status: int, message: str) -> Answer:
        code = {401: "1002", 402: "1113", 422: "1214"}.get(status, "1200")
        return json_answer({"error": {"code": code, "message": message}}, status)


class _MiniMax(Dialect):
    CODES: ClassVar[dict[int, int]] = {401: 1004, 402: 1008, 422: 2013, 429: 1002, 500: 1013}

    def error(self, status: int, message: str) -> Answer:
        # MiniMax answers HTTP 200 and says what went wrong in base_resp.
        base = {"status_code": self.CODES.get(status, 1000), "status_msg": message}
        return json_answer({"base_resp": base})


class MiniMaxChat(_MiniMax):
    create_path = "/v1/text/chatcompletion_v2"

    def sync_answer(self, body: Any, urls: list[str]) -> Answer:
        message = {"role": "assistant", "name": "MiniMax AI", "content": "MiniMax says hello"}
        return json_answer(
            {
                "id": "04ec",
                "choices": [{"finish_reason": "stop", "index": 0, "message": message}],
                "object": "chat.completion",
                "base_resp": {"status_code": 0, "status_msg": ""},
            }
        )


class MiniMaxMusic(_MiniMax):
    create_path = "/v1/music_generation"

    def sync_answer(self, body: Any, urls: list[str]) -> Answer:
        return json_answer(
            {
                "data": {"audio": urls[0], "status": 2},
                "extra_info": {"music_duration": 30000, "music_sample_rate": 44100},
                "base_resp": {"status_code": 0, "status_msg": "success"},
            }
        )


DIALECTS: dict[tuple[str, str], Callable[[], Dialect]] = {
    ("kie", "suno"): KieSuno,
    ("kie", "veo3"): KieVeo,
    ("kie", "flux-kontext"): KieFlux,
    ("kie", "4o-image"): Kie4o,
    ("kie", "runway"): KieRunway,
    ("kie", "market"): KieMarket,
    ("huggingface", "text-to-audio"): HuggingFace,
    ("zhipu", "glm-4.6"): Zhipu,
    ("minimax", "MiniMax-M2"): MiniMaxChat,
    ("minimax", "music"): MiniMaxMusic,
}

# The path prefix a fake serves under, mirroring the vendor's base URL (Zhipu's has a path).
BASE_PATHS = {"zhipu": "/api/paas/v4"}


@dataclass
class FakeVendor:
    dialect: Dialect
    api_key: str = "test-key-Sup3rSecret"
    auth: tuple[str, str | None] = ("bearer", None)
    processing_polls: int = 0
    fail_task: str | None = None
    disruptions: list[int | str] = field(default_factory=list)
    reject: tuple[int, str] | None = None
    retry_after: str = "7"
    hang_s: float = 1.5
    callback_delay_s: float = 0.05
    requests: list[Recorded] = field(default_factory=list)
    tasks: dict[str, Task] = field(default_factory=dict)
    url: str = ""
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _server: ThreadingHTTPServer | None = None

    def __enter__(self) -> FakeVendor:
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(self))
        self._server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.shutdown()
        self._server.server_close()

    def api_requests(self) -> list[Recorded]:
        return [r for r in self.requests if not r.path.startswith(("/files/", "/redirect/"))]

    def file_urls(self, task_id: str) -> list[str]:
        count = 2 if isinstance(self.dialect, KieSuno) else 1
        return [f"{self.url}/files/{task_id}-{n}{self.dialect.extension}" for n in range(count)]

    # What the handler calls; returns None to drop the connection.
    def answer(self, request: Recorded) -> Answer | None:
        with self._lock:
            self.requests.append(request)
        if request.path.startswith("/files/"):
            return self._file(request.path)
        if request.path.startswith("/redirect/"):  # /redirect/N/name: N hops to /files/name
            _, _, hops, name = request.path.split("/", 3)
            target = f"/redirect/{int(hops) - 1}/{name}" if int(hops) > 1 else f"/files/{name}"
            return 302, {"Location": target}, b""
        with self._lock:
            disruption = self.disruptions.pop(0) if self.disruptions else None
        if disruption is not None:
            return self._disrupt(disruption)
        if not self._authorised(request):
            return self.dialect.error(401, "You do not have access permissions")
        if request.path == self.dialect.create_path:
            return self._create(request)
        if request.path == self.dialect.poll_path:
            return self._poll(request)
        return json_answer({"code": 404, "msg": "not found"}, 404)

    def _disrupt(self, disruption: int | str) -> Answer | None:
        if disruption == "drop":
            return None
        if isinstance(disruption, str) and disruption.startswith("body:"):
            # A 200 answer whose body carries the vendor's error code (Kie, MiniMax).
            return self.dialect.error(int(disruption[5:]), "busy, try again")
        if disruption == "hang":
            time.sleep(self.hang_s)
            return json_answer({"msg": "late"}, 504)
        assert isinstance(disruption, int)
        headers = {"Retry-After": self.retry_after} if disruption == 429 else {}
        return json_answer({"code": disruption, "msg": "server trouble"}, disruption, headers)

    def _authorised(self, request: Recorded) -> bool:
        scheme, name = self.auth
        if scheme == "bearer":
            return request.headers.get("authorization") == f"Bearer {self.api_key}"
        if scheme == "header":
            return request.headers.get((name or "").lower()) == self.api_key
        return request.query.get(name or "", [""])[0] == self.api_key

    def _create(self, request: Recorded) -> Answer:
        if self.reject:
            return self.dialect.error(*self.reject)
        task = Task(f"task-{len(self.tasks) + 1}", request.body)
        self.tasks[task.task_id] = task
        if self.dialect.poll_path is None:
            return self.dialect.sync_answer(request.body, self.file_urls(task.task_id))
        callback = (request.body or {}).get("callBackUrl")
        if callback:
            threading.Thread(target=self._call_back, args=(task, callback), daemon=True).start()
        return self.dialect.created(task)

    def _poll(self, request: Recorded) -> Answer:
        task = self.tasks.get(request.query.get("taskId", [""])[0])
        if task is None:
            return json_answer({"code": 422, "msg": "recordInfo is null"})
        task.polls += 1
        state = "processing"
        if task.polls > self.processing_polls:
            state = "failed" if self.fail_task else "done"
        urls = self.file_urls(task.task_id)
        return self.dialect.record(task, state, task.polls - 1, urls, self.fail_task or "")

    def _call_back(self, task: Task, url: str) -> None:
        time.sleep(self.callback_delay_s)
        body = self.dialect.callback_body(task, self.file_urls(task.task_id))
        if body is not None:
            httpx.post(url, json=body, timeout=5)

    def _file(self, path: str) -> Answer:
        for extension, (data, content_type) in FILES.items():
            if path.endswith(extension):
                return 200, {"Content-Type": content_type}, data
        return 404, {}, b""


def _handler(fake: FakeVendor) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            body = json.loads(raw) if raw else None
            headers = {key.lower(): value for key, value in self.headers.items()}
            recorded = Recorded(self.command, parts.path, parse_qs(parts.query), headers, body)
            answer = fake.answer(recorded)
            if answer is None:
                self.close_connection = True
                return
            status, answer_headers, data = answer
            self.send_response(status)
            for key, value in answer_headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


class CallbackReceiver:
    """Our side of a vendor callback: a server that keeps what vendors POST to it."""

    def __init__(self) -> None:
        self.bodies: list[Any] = []
        self.arrived = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()
                receiver.arrived.set()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}/callbacks/kie"

    def __enter__(self) -> CallbackReceiver:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
