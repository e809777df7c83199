"""The set-wide settings and view state Live writes, at the values of a fresh Live set.

Measured on sets saved by Live 11.3 and 12.3 in the corpus: the values every set of that version
shares (or, for view state such as zoom, those of Live's default set). Lists here are data, the
element builders are in `liveset.py`.
"""

from __future__ import annotations

from musia.formats.als.node import Node, el, lom, val, values
from musia.formats.als.params import Build

# Zoom and window size of the arrangement in Live's default set.
NAVIGATOR_11 = (0.254945054945054927, (745, 490))
NAVIGATOR_12 = (0.0559845559845559837, (1322, 717))
# (Id, Type, Size, IsMinimized) of the MIDI editor's lanes.
EXPRESSION_LANES_11 = ((0, 0, 41, False), (1, 1, 41, False), (2, 2, 41, True), (3, 3, 41, True))
CONTENT_LANES_11 = ((0, 4, 41, False), (1, 5, 25, True))
EXPRESSION_LANES_12 = (
    (0, 5, 41, True),
    (1, 0, 41, False),
    (2, 1, 41, False),
    (3, 2, 41, True),
    (4, 3, 41, True),
)
CONTENT_LANES_12 = ((0, 2, 41, False), (2, 3, 25, True), (1, 4, 25, True))
VIEW_STATES_11 = (
    ("SessionIO", 1),
    ("SessionSends", 1),
    ("SessionReturns", 1),
    ("SessionMixer", 1),
    ("SessionTrackDelay", 0),
    ("SessionCrossFade", 0),
    ("SessionShowOverView", 0),
    ("ArrangerIO", 1),
    ("ArrangerReturns", 1),
    ("ArrangerMixer", 1),
    ("ArrangerTrackDelay", 0),
    ("ArrangerShowOverView", 1),
)
VIEW_STATES_12 = (
    ("MixerInArrangement", 0),
    ("ArrangerMixerIO", 1),
    ("ArrangerMixerSends", 1),
    ("ArrangerMixerReturns", 1),
    ("ArrangerMixerVolume", 1),
    ("ArrangerMixerTrackOptions", 0),
    ("ArrangerMixerCrossFade", 0),
    ("ArrangerMixerTrackPerformanceImpactMeter", 0),
    ("MixerInSession", 1),
    ("SessionIO", 1),
    ("SessionSends", 1),
    ("SessionReturns", 1),
    ("SessionVolume", 1),
    ("SessionTrackOptions", 0),
    ("SessionCrossFade", 0),
    ("SessionTrackPerformanceImpactMeter", 0),
    ("SessionShowOverView", 0),
    ("ArrangerIO", 1),
    ("ArrangerReturns", 1),
    ("ArrangerVolume", 1),
    ("ArrangerTrackOptions", 0),
    ("ArrangerShowOverView", 1),
)
# Live 12's MIDI tools keep their settings in the set; these four are what a set that never
# opened a tool holds (parameter names of the Arpeggiate and Rhythm tools, in Live's order).
ARPEGGIATE_PARAMS = ("Rate", "Steps", "Distance", "Gate", "Style")
ARPEGGIATE_VALUES = (("Rate", 10), ("Steps", 2), ("Distance", 12), ("Gate", 1), ("Style", 0))
RHYTHM_PARAMS = (
    "Density",
    "Repetitions",
    "Pattern",
    "Steps",
    "Pitch",
    "Velocity",
    "Accent",
    "Period",
    "Offset",
    "Shift",
    "StepDuration",
    "Split",
    "VelocityOffsetIncrement",
    "VelocityOffsetDecrement",
)
RHYTHM_VALUES = (
    ("Density", 4),
    ("Repetitions", 1),
    ("Pattern", 14),
    ("PatternLength", 8),
    ("Pitch", 60),
    ("Velocity", 100),
    ("Accent", 127),
    ("Period", 4),
    ("Offset", 0),
    ("Shift", 0),
    ("StepDuration", 7),
    ("Split", 0),
)
PITCH_CLASSES = 12


def transport() -> Node:
    return el(
        "Transport",
        *values(("PhaseNudgeTempo", 10), ("LoopOn", False), ("LoopStart", 8), ("LoopLength", 16)),
        *values(("LoopIsSongStart", False), ("CurrentTime", 0)),
        *values(("PunchIn", False), ("PunchOut", False), ("MetronomeTickDuration", 0)),
        val("DrawMode", False),
    )


def grid(tag: str = "Grid", *, snap: bool = True) -> Node:
    """A beat grid: 1/16, adaptive (not fixed); clips' `ExpressionGrid` does not snap."""
    return el(
        tag,
        *values(("FixedNumerator", 1), ("FixedDenominator", 16), ("GridIntervalPixel", 20)),
        *values(("Ntoles", 2), ("SnapToGrid", snap), ("Fixed", False)),
    )


def scale_information(b: Build) -> Node:
    if b.fmt.is12:
        return el("ScaleInformation", val("Root", 0), val("Name", 0))
    return el("ScaleInformation", val("RootNote", 0), val("Name", "Major"))


def sequencer_navigator(b: Build) -> Node:
    zoom, (width, height) = NAVIGATOR_12 if b.fmt.is12 else NAVIGATOR_11
    return el(
        "SequencerNavigator",
        el("BeatTimeHelper", val("CurrentZoom", zoom)),
        el("ScrollerPos", X=0, Y=0),
        el("ClientSize", X=width, Y=height),
    )


def editor_lanes(b: Build) -> list[Node]:
    tag = "MidiEditorLaneModel" if b.fmt.is12 else "ExpressionLane"
    expression = EXPRESSION_LANES_12 if b.fmt.is12 else EXPRESSION_LANES_11
    content = CONTENT_LANES_12 if b.fmt.is12 else CONTENT_LANES_11

    def lanes(rows: tuple[tuple[int, int, int, bool], ...]) -> list[Node]:
        return [
            el(tag, val("Type", kind), val("Size", size), val("IsMinimized", small), Id=lane_id)
            for lane_id, kind, size, small in rows
        ]

    return [el("ExpressionLanes", *lanes(expression)), el("ContentLanes", *lanes(content))]


def list_wrappers() -> list[Node]:
    names = ("Tracks", "VisibleTracks", "ReturnTracks", "Scenes", "CuePoints")
    return [lom(f"{name}ListWrapper") for name in names]


def groove_pool(b: Build) -> Node:
    node = el("GroovePool", val("LomId", 0), el("Grooves"))
    if b.fmt.is12:
        node.children += [val("DefaultGrooveId", -1), lom("GroovesListWrapper")]
    return node


def view_states(b: Build) -> Node:
    return el("ViewStates", *values(*(VIEW_STATES_12 if b.fmt.is12 else VIEW_STATES_11)))


def detail_view_flags(b: Build) -> list[Node]:
    if not b.fmt.is12:
        return values(
            ("ViewStateArrangerHasDetail", True),
            ("ViewStateSessionHasDetail", True),
            ("ViewStateDetailIsSample", False),
        )
    return values(
        ("ViewStateMainWindowClipDetailOpen", False),
        ("ViewStateMainWindowHiddenOtherDocViewTypeClipDetailOpen", False),
        ("ViewStateMainWindowHiddenOtherDocViewTypeDeviceDetailOpen", True),
        ("ViewStateMainWindowDeviceDetailOpen", True),
        ("ViewStateSecondWindowClipDetailOpen", True),
        ("ViewStateSecondWindowDeviceDetailOpen", False),
    )


def note_algorithms(b: Build) -> Node:
    """Live 12's MIDI tool settings. Their remoteable ids come from the pointee space."""
    pitch_classes = [
        el("RemoteableBool", Id=b.pointee(), Value=False) for _ in range(PITCH_CLASSES)
    ]
    return el(
        "NoteAlgorithms",
        el(
            "PitchFilterAlgorithm",
            el("NamedKeyMidiRemoteables"),
            el("PitchClasses", *pitch_classes),
            *values(("DrumPad", 128), ("Invert", False)),
            Id=0,
        ),
        el(
            "TimeFilterAlgorithm",
            el("NamedKeyMidiRemoteables"),
            *values(("Start", 0), ("Length", 0.25), ("Repeat", 0), ("Invert", False)),
            Id=1,
        ),
        _algorithm(b, "ArpeggiateAlgorithm", 2, ARPEGGIATE_PARAMS, ARPEGGIATE_VALUES),
        _algorithm(b, "RhythmAlgorithm", 3, RHYTHM_PARAMS, RHYTHM_VALUES),
    )


def _algorithm(
    b: Build,
    tag: str,
    index: int,
    params: tuple[str, ...],
    settings: tuple[tuple[str, int], ...],
) -> Node:
    named = [el("NamedRemoteableKeyMidi", Id=b.pointee(), Name=name) for name in params]
    return el(tag, el("NamedKeyMidiRemoteables", *named), *values(*settings), Id=index)
