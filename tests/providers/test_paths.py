"""The answer path reader: the shapes vendors document, and refusals of bad paths."""

from __future__ import annotations

import json

import pytest

from musia.errors import PresetInvalid
from musia.providers.paths import read_all, read_one

SUNO = {
    "code": 200,
    "data": {
        "taskId": "5c79be8e",
        "response": {
            "sunoData": [{"audioUrl": "https://a/1.mp3"}, {"audioUrl": "https://a/2.mp3"}]
        },
    },
}


def test_reads_the_documented_shapes() -> None:
    assert read_one(SUNO, "data.taskId") == "5c79be8e"
    assert read_one(SUNO, "data.response.sunoData[0].audioUrl") == "https://a/1.mp3"
    assert read_one(SUNO, "data.response.sunoData[-1].audioUrl") == "https://a/2.mp3"
    assert read_all(SUNO, "data.response.sunoData[*].audioUrl") == [
        "https://a/1.mp3",
        "https://a/2.mp3",
    ]
    chat = {"choices": [{"message": {"content": "hi"}}]}
    assert read_one(chat, "choices[0].message.content") == "hi"
    assert read_all({"output": [{"url": "u1"}, {"x": 1}, {"url": "u2"}]}, "output[*].url") == [
        "u1",
        "u2",
    ]
    assert read_all([{"url": "top"}], "[0].url") == ["top"]


def test_reads_through_json_kept_in_a_string() -> None:
    answer = {"data": {"resultJson": json.dumps({"resultUrls": ["https://r/1.png"]})}}
    assert read_all(answer, "data.resultJson.resultUrls[*]") == ["https://r/1.png"]
    assert read_one({"data": {"resultJson": "not json"}}, "data.resultJson.resultUrls") is None


@pytest.mark.parametrize(
    "path",
    ["data.missing", "data.taskId.deeper", "data.response.sunoData[5].audioUrl", "code[0]"],
)
def test_a_path_that_reaches_nothing_gives_none(path: str) -> None:
    assert read_one(SUNO, path) is None
    assert read_all(SUNO, path) == []


@pytest.mark.parametrize(
    "path",
    ["", "data..x", "data.", ".data", "data[x]", "data[0", "a.b()", "__import__('os')", "a" * 400],
)
def test_bad_paths_are_refused(path: str) -> None:
    with pytest.raises(PresetInvalid):
        read_one(SUNO, path)


def test_names_are_only_looked_up_never_evaluated() -> None:
    assert read_one({"__class__": 1}, "__class__") == 1
    assert read_one({"a": "text"}, "a.__class__") is None
    assert read_one({"a": {"upper": 2}}, "a.upper") == 2
