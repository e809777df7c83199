"""A fake OpenAI-style chat vendor on 127.0.0.1 answering as Zhipu (GLM, /api/paas/v4/chat/
completions, errors as {error: {code, message}}) and MiniMax (/v1/text/chatcompletion_v2, with
base_resp) do. `mode` says how it answers: good (the `content` set), broken (not JSON), slow
(answers after `delay_s`), 500."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

ZHIPU_PATH = "/api/paas/v4/chat/completions"
MINIMAX_PATH = "/v1/text/chatcompletion_v2"


@dataclass
class Behaviour:
    mode: str = "good"
    content: str = "{}"
    delay_s: float = 2.0
    requests: list[dict[str, Any]] = field(default_factory=list)


def _completion(content: str, minimax: bool) -> dict[str, Any]:
    message = {"role": "assistant", "content": content}
    body: dict[str, Any] = {
        "id": "chat-1",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": "MiniMax-M2" if minimax else "glm-4.6",
        "choices": [{"index": 0, "finish_reason": "stop", "message": message}],
        "usage": {"prompt_tokens": 10, "completion_tokens": 10, "total_tokens": 20},
    }
    if minimax:
        body["base_resp"] = {"status_code": 0, "status_msg": "success"}
    return body


def _handler(behaviour: Behaviour) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = json.loads(self.rfile.read(length) or b"{}")
            behaviour.requests.append(
                {"path": self.path, "body": body, "auth": self.headers.get("Authorization")}
            )
            minimax = self.path == MINIMAX_PATH
            if self.path not in {ZHIPU_PATH, MINIMAX_PATH}:
                return self._send(404, {"error": {"code": "404", "message": "no such path"}})
            if behaviour.mode == "500":
                return self._send(500, {"error": {"code": "500", "message": "internal error"}})
            if behaviour.mode == "slow":
                time.sleep(behaviour.delay_s)
            content = "{ this is not json" if behaviour.mode == "broken" else behaviour.content
            self._send(200, _completion(content, minimax))

        def _send(self, status: int, body: Any) -> None:
            data = json.dumps(body).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):  # the client gave up (slow mode)
                pass

    return Handler


@contextmanager
def fake_llm() -> Iterator[tuple[str, Behaviour]]:
    """(base URL, behaviour) of a running fake; Zhipu's base URL is this + /api/paas/v4."""
    behaviour = Behaviour()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(behaviour))
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", behaviour
    finally:
        server.shutdown()
        server.server_close()
