"""SoundFont 2 reader: RIFF chunks → presets → regions (a sample and how a note plays it).

Only what a preview needs is kept: key and velocity ranges, sample and loop points, tuning,
attenuation, pan, the volume envelope, the static low-pass filter and the exclusive class (a
closed hi-hat chokes the open one). Modulators, LFOs and the modulation envelope are ignored.
Generator semantics follow the SoundFont 2.04 specification: instrument-zone values are absolute
(a global zone supplies defaults), preset-zone values are added on top.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np
import numpy.typing as npt

from musia.errors import FileFormatError

DRUM_BANK = 128
MAX_SOUNDFONT_BYTES = 1 << 30

# Generator numbers (SoundFont 2.04, section 8.1.2).
_START, _END, _LOOP_START, _LOOP_END, _START_COARSE = 0, 1, 2, 3, 4
_FILTER_FC, _FILTER_Q, _MOD_ENV_TO_FILTER, _END_COARSE, _PAN = 8, 9, 11, 12, 17
_MOD_DELAY, _MOD_ATTACK, _MOD_HOLD, _MOD_DECAY, _MOD_SUSTAIN, _MOD_RELEASE = 25, 26, 27, 28, 29, 30
_KEY_TO_MOD_HOLD, _KEY_TO_MOD_DECAY = 31, 32
_DELAY, _ATTACK, _HOLD, _DECAY, _SUSTAIN, _RELEASE = 33, 34, 35, 36, 37, 38
_KEY_TO_HOLD, _KEY_TO_DECAY, _INSTRUMENT, _KEY_RANGE, _VEL_RANGE = 39, 40, 41, 43, 44
_LOOP_START_COARSE, _KEYNUM, _VELOCITY, _ATTENUATION = 45, 46, 47, 48
_LOOP_END_COARSE, _COARSE_TUNE, _FINE_TUNE, _SAMPLE_ID = 50, 51, 52, 53
_SAMPLE_MODES, _SCALE_TUNING, _EXCLUSIVE_CLASS, _ROOT_KEY = 54, 56, 57, 58
_UNSIGNED = {_INSTRUMENT, _SAMPLE_ID, _SAMPLE_MODES, _EXCLUSIVE_CLASS}
_RANGES = {_KEY_RANGE, _VEL_RANGE}
_DEFAULTS = {
    _FILTER_FC: 13500,
    _MOD_DELAY: -12000,
    _MOD_ATTACK: -12000,
    _MOD_HOLD: -12000,
    _MOD_DECAY: -12000,
    _MOD_RELEASE: -12000,
    _DELAY: -12000,
    _ATTACK: -12000,
    _HOLD: -12000,
    _DECAY: -12000,
    _RELEASE: -12000,
    _SCALE_TUNING: 100,
    _ROOT_KEY: -1,
    _KEYNUM: -1,
    _VELOCITY: -1,
}
_SAMPLE_ADDRESS = {_START, _END, _LOOP_START, _LOOP_END}
_SAMPLE_COARSE = {_START_COARSE, _END_COARSE, _LOOP_START_COARSE, _LOOP_END_COARSE}
# Generators a preset zone may not set (they only make sense on an instrument zone).
_INSTRUMENT_ONLY = (
    _SAMPLE_ADDRESS
    | _SAMPLE_COARSE
    | {
        _KEYNUM,
        _VELOCITY,
        _SAMPLE_MODES,
        _EXCLUSIVE_CLASS,
        _ROOT_KEY,
    }
)
_ROM_SAMPLE = 0x8000
_COMPRESSED_SAMPLE = 0x10  # SoundFont 3 (Ogg Vorbis) samples


def timecents_to_s(timecents: float) -> float:
    return 0.0 if timecents <= -12000 else float(2.0 ** (timecents / 1200.0))


@dataclass(frozen=True, slots=True)
class Envelope:
    """A modulation envelope: times in seconds, sustain as a level 0 … 1."""

    delay_s: float = 0.0
    attack_s: float = 0.0
    hold_s: float = 0.0
    decay_s: float = 0.0
    sustain: float = 1.0
    release_s: float = 0.0
    key_to_hold: float = 0.0  # timecents per key below 60
    key_to_decay: float = 0.0


@dataclass(frozen=True, slots=True)
class Region:
    """One sample as a note plays it: absolute sample indices into `SoundFont.samples`."""

    key_lo: int
    key_hi: int
    vel_lo: int
    vel_hi: int
    start: int
    end: int
    loop_start: int
    loop_end: int
    loops: bool
    sample_rate: int
    root_key: int
    tune_cents: float  # coarse + fine tune + the sample's pitch correction
    scale_tuning: float  # cents per key
    fixed_key: int  # -1, or the key the region always plays at
    attenuation_db: float
    pan: float  # -0.5 (left) … +0.5 (right)
    delay_s: float
    attack_s: float
    hold_s: float
    decay_s: float
    sustain_db: float  # attenuation of the sustain level (positive)
    release_s: float
    key_to_hold: float  # timecents per key below 60
    key_to_decay: float
    filter_cents: float  # 13500 and above: no filter
    filter_q_db: float
    exclusive_class: int
    mod_env: Envelope  # the modulation envelope, 0 … 1 …
    mod_env_to_filter: float  # … and how many cents it opens the filter at its peak

    @property
    def filtered(self) -> bool:
        return self.filter_cents < 13500 or self.filter_cents + self.mod_env_to_filter < 13500

    def matches(self, key: int, velocity: int) -> bool:
        return self.key_lo <= key <= self.key_hi and self.vel_lo <= velocity <= self.vel_hi


@dataclass(frozen=True)
class SoundFont:
    path: Path
    name: str
    samples: npt.NDArray[np.float32]  # every sample of the file, mono, -1 … 1
    presets: dict[tuple[int, int], tuple[Region, ...]] = field(repr=False)

    def regions(self, program: int, *, drums: bool) -> tuple[Region, ...]:
        """The preset for a General MIDI program (or the drum kit), with GM fallbacks: a missing
        drum kit falls back to the standard kit (program 0), a missing program to piano."""
        if drums:
            kit = self.presets.get((DRUM_BANK, program)) or self.presets.get((DRUM_BANK, 0))
            if kit:
                return kit
            kits = [regions for (bank, _), regions in sorted(self.presets.items()) if bank >= 128]
            return kits[0] if kits else ()
        for key in ((0, program), (0, 0)):
            if key in self.presets:
                return self.presets[key]
        melodic = [regions for (bank, _), regions in sorted(self.presets.items()) if bank < 128]
        return melodic[0] if melodic else ()


def load_soundfont(path: Path) -> SoundFont:
    """Read a .sf2 file (cached by path, size and modification time)."""
    try:
        stat = path.stat()
    except OSError as exc:
        raise FileFormatError(f"cannot read the SoundFont {path}: {exc.strerror}") from exc
    return _load_cached(path.resolve(), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=2)
def _load_cached(path: Path, size: int, mtime_ns: int) -> SoundFont:
    if size > MAX_SOUNDFONT_BYTES:
        raise FileFormatError(f"{path} is larger than 1 GiB; not loading it as a SoundFont")
    data = path.read_bytes()
    try:
        return _parse(path, data)
    except (struct.error, IndexError, KeyError, ValueError) as exc:
        raise FileFormatError(f"{path} is not a readable SoundFont 2 file ({exc})") from exc


def _parse(path: Path, data: bytes) -> SoundFont:
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"sfbk":
        raise FileFormatError(f"{path} is not a SoundFont 2 file (no RIFF sfbk header)")
    lists = dict(_list_chunks(data[12:]))
    sdta, pdta = _sub_chunks(lists["sdta"]), _sub_chunks(lists["pdta"])
    samples = (np.frombuffer(sdta["smpl"], dtype="<i2").astype(np.float32)) / 32768.0
    hydra = _Hydra(pdta)
    info = _sub_chunks(lists.get("INFO", b""))
    name = info.get("INAM", path.stem.encode()).split(b"\0")[0].decode("latin-1").strip()
    presets = hydra.presets(len(samples))
    if not presets:
        raise FileFormatError(f"{path} holds no playable preset")
    return SoundFont(path, name or path.stem, samples, presets)


def _chunks(data: bytes) -> Iterator[tuple[bytes, bytes]]:
    offset = 0
    while offset + 8 <= len(data):
        kind, size = data[offset : offset + 4], struct.unpack_from("<I", data, offset + 4)[0]
        yield kind, data[offset + 8 : offset + 8 + size]
        offset += 8 + size + (size & 1)


def _list_chunks(data: bytes) -> Iterator[tuple[str, bytes]]:
    for kind, body in _chunks(data):
        if kind == b"LIST" and len(body) >= 4:
            yield body[:4].decode("latin-1"), body[4:]


def _sub_chunks(data: bytes) -> dict[str, bytes]:
    return {kind.decode("latin-1"): body for kind, body in _chunks(data)}


class _Hydra:
    """The pdta records, and how preset and instrument zones combine into regions."""

    def __init__(self, pdta: dict[str, bytes]) -> None:
        self.phdr = list(struct.iter_unpack("<20sHHHIII", pdta["phdr"]))
        self.pbag = [bag[0] for bag in struct.iter_unpack("<HH", pdta["pbag"])]
        self.pgen = list(struct.iter_unpack("<HH", pdta["pgen"]))
        self.inst = [rec[1] for rec in struct.iter_unpack("<20sH", pdta["inst"])]
        self.ibag = [bag[0] for bag in struct.iter_unpack("<HH", pdta["ibag"])]
        self.igen = list(struct.iter_unpack("<HH", pdta["igen"]))
        self.shdr = list(struct.iter_unpack("<20sIIIIIBbHH", pdta["shdr"]))
        self._instrument_cache: dict[int, list[dict[int, int]]] = {}

    def presets(self, sample_count: int) -> dict[tuple[int, int], tuple[Region, ...]]:
        result: dict[tuple[int, int], tuple[Region, ...]] = {}
        for index in range(len(self.phdr) - 1):  # the last record is the terminal "EOP"
            _, program, bank, first_bag, *_ = self.phdr[index]
            last_bag = self.phdr[index + 1][3]
            zones = self._zones(self.pbag, self.pgen, first_bag, last_bag, _INSTRUMENT)
            regions = tuple(self._preset_regions(zones, sample_count))
            if regions and (bank, program) not in result:
                result[(bank, program)] = regions
        return result

    def _preset_regions(
        self, preset_zones: list[dict[int, int]], sample_count: int
    ) -> Iterator[Region]:
        for preset_zone in preset_zones:
            instrument = preset_zone.get(_INSTRUMENT)
            if instrument is None or instrument >= len(self.inst) - 1:
                continue
            for instrument_zone in self._instrument_zones(instrument):
                region = self._region(preset_zone, instrument_zone, sample_count)
                if region is not None:
                    yield region

    def _instrument_zones(self, instrument: int) -> list[dict[int, int]]:
        if instrument not in self._instrument_cache:
            first, last = self.inst[instrument], self.inst[instrument + 1]
            zones = self._zones(self.ibag, self.igen, first, last, _SAMPLE_ID)
            self._instrument_cache[instrument] = [z for z in zones if _SAMPLE_ID in z]
        return self._instrument_cache[instrument]

    @staticmethod
    def _zones(
        bags: list[int], gens: list[tuple[int, int]], first: int, last: int, terminal: int
    ) -> list[dict[int, int]]:
        """Each zone's generators, with the global zone (the first, when it lacks the terminal
        generator) merged under every other zone."""
        zones = []
        for bag in range(first, min(last, len(bags) - 1)):
            zone: dict[int, int] = {}
            for oper, amount in gens[bags[bag] : bags[bag + 1]]:
                zone[oper] = _amount(oper, amount)
            zones.append(zone)
        if zones and terminal not in zones[0]:
            global_zone = zones.pop(0)
            zones = [global_zone | zone for zone in zones]
        return zones

    def _region(
        self, preset: dict[int, int], zone: dict[int, int], sample_count: int
    ) -> Region | None:
        sample_id = zone[_SAMPLE_ID]
        if sample_id >= len(self.shdr) - 1:
            return None
        _, start, end, loop_start, loop_end, rate, pitch, correction, _, kind = self.shdr[sample_id]
        if kind & (_ROM_SAMPLE | _COMPRESSED_SAMPLE) or rate <= 0:
            return None

        def gen(oper: int) -> int:
            value = zone.get(oper, _DEFAULTS.get(oper, 0))
            return value if oper in _INSTRUMENT_ONLY else value + preset.get(oper, 0)

        def offset(fine: int, coarse: int) -> int:
            return zone.get(fine, 0) + 32768 * zone.get(coarse, 0)

        start = max(0, start + offset(_START, _START_COARSE))
        end = min(sample_count - 1, end + offset(_END, _END_COARSE))
        loop_start += offset(_LOOP_START, _LOOP_START_COARSE)
        loop_end += offset(_LOOP_END, _LOOP_END_COARSE)
        if end - start < 2:
            return None
        key_lo, key_hi = _intersect(zone.get(_KEY_RANGE), preset.get(_KEY_RANGE))
        vel_lo, vel_hi = _intersect(zone.get(_VEL_RANGE), preset.get(_VEL_RANGE))
        root = gen(_ROOT_KEY) if gen(_ROOT_KEY) >= 0 else (pitch if pitch <= 127 else 60)
        loops = gen(_SAMPLE_MODES) & 1 == 1 and start <= loop_start < loop_end - 1 <= end
        return Region(
            key_lo=key_lo,
            key_hi=key_hi,
            vel_lo=vel_lo,
            vel_hi=vel_hi,
            start=start,
            end=end,
            loop_start=loop_start,
            loop_end=loop_end,
            loops=loops,
            sample_rate=rate,
            root_key=root,
            tune_cents=gen(_COARSE_TUNE) * 100 + gen(_FINE_TUNE) + correction,
            scale_tuning=gen(_SCALE_TUNING),
            fixed_key=gen(_KEYNUM),
            # FluidSynth's and the E-mu hardware's scale: 0.4 dB per centibel of attenuation.
            attenuation_db=max(0, gen(_ATTENUATION)) * 0.04,
            pan=min(500, max(-500, gen(_PAN))) / 1000,
            delay_s=timecents_to_s(gen(_DELAY)),
            attack_s=timecents_to_s(gen(_ATTACK)),
            hold_s=timecents_to_s(gen(_HOLD)),
            decay_s=timecents_to_s(gen(_DECAY)),
            sustain_db=min(144.0, max(0.0, gen(_SUSTAIN) / 10)),
            release_s=timecents_to_s(gen(_RELEASE)),
            key_to_hold=gen(_KEY_TO_HOLD),
            key_to_decay=gen(_KEY_TO_DECAY),
            filter_cents=gen(_FILTER_FC),
            filter_q_db=max(0, gen(_FILTER_Q)) / 10,
            exclusive_class=gen(_EXCLUSIVE_CLASS),
            mod_env=Envelope(
                delay_s=timecents_to_s(gen(_MOD_DELAY)),
                attack_s=timecents_to_s(gen(_MOD_ATTACK)),
                hold_s=timecents_to_s(gen(_MOD_HOLD)),
                decay_s=timecents_to_s(gen(_MOD_DECAY)),
                sustain=1.0 - min(1000, max(0, gen(_MOD_SUSTAIN))) / 1000,
                release_s=timecents_to_s(gen(_MOD_RELEASE)),
                key_to_hold=gen(_KEY_TO_MOD_HOLD),
                key_to_decay=gen(_KEY_TO_MOD_DECAY),
            ),
            mod_env_to_filter=gen(_MOD_ENV_TO_FILTER),
        )


def _amount(oper: int, raw: int) -> int:
    if oper in _RANGES:
        return raw  # lo byte, hi byte: unpacked by _intersect
    if oper in _UNSIGNED:
        return raw
    return raw - 65536 if raw >= 32768 else raw


def _intersect(zone_range: int | None, preset_range: int | None) -> tuple[int, int]:
    lo, hi = 0, 127
    for packed in (zone_range, preset_range):
        if packed is not None:
            lo, hi = max(lo, packed & 0xFF), min(hi, packed >> 8)
    return lo, hi
