"""Report settings: the ``pengaturan`` block of laporan.yaml, then flags for one run.

This is the one place that reads settings. The data holds a unit's choices (cap, predikat
bands, which capaian the report prints, rounding, names of the performance-tree levels);
a command flag or a notebook parameter may override the cap or the scale for one run. No
default is repeated elsewhere: the CLI and the notebooks pass ``None`` for "as the data says".

A bad setting is one line naming the key (``laporan.yaml``, through the loader's findings)
or the flag (``SettingsError``), never a traceback.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from lakipkit.capaian import BAND_SCALES, BandScale, CapaianSettings
from lakipkit.errors import LakipError, ParseError
from lakipkit.parsing import parse_angka

#: Which capaian the report prints where a cap applies.
CAPAIAN_DICETAK = ("terbatas", "tanpa_batas")
#: Words that switch the cap off for one run (``--cap tanpa``).
TANPA_BATAS = ("tanpa", "none", "tidak")
#: Levels of the performance tree when the data names none (docs/formulas.md).
TINGKAT_BAWAAN: tuple[tuple[str, str], ...] = (
    ("tujuan", "Tujuan"),
    ("sasaran_strategis", "Sasaran Strategis"),
    ("program", "Program"),
    ("kegiatan", "Kegiatan"),
    ("sub_kegiatan", "Sub Kegiatan"),
)


class SettingsError(LakipError, ValueError):
    """A setting given on the command line or as a notebook parameter is not usable."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


def _check_cap(value: float | None) -> float | None:
    """Accept a finite cap of at least 100 percent, or none (no cap)."""
    if value is None:
        return None
    if not math.isfinite(value) or value < 100:
        raise ValueError(
            f"batas capaian {value:g} tidak masuk akal: kosongkan (tanpa batas) atau isi "
            "angka >= 100, mis. 100, 110, 120"
        )
    return float(value)


class PitaPredikat(_Model):
    """Satu pita predikat: label, batas bawah, warna."""

    label: str = Field(description="label predikat seperti dicetak, mis. Sangat Baik", min_length=1)
    mulai: float | None = Field(
        None,
        description="batas bawah capaian (persen) pita ini; kosong hanya untuk pita terendah",
    )
    warna: str = Field(
        "", description="warna pita, kode heksadesimal #RRGGBB", pattern=r"^(#[0-9A-Fa-f]{6})?$"
    )


class Tingkat(_Model):
    """Satu tingkat pohon kinerja: kunci (dipakai di pohon.csv) dan nama yang dicetak."""

    kunci: str = Field(
        description="kunci tingkat di kolom 'tingkat' pohon.csv", pattern=r"^[a-z][a-z0-9_]*$"
    )
    nama: str = Field(description="nama tingkat seperti dalam dokumen unit", min_length=1)


class Pengaturan(_Model):
    """Pengaturan laporan unit: batas capaian, pita predikat, pembulatan, nama tingkat."""

    cap: float | None = Field(
        None,
        description="batas atas capaian dalam persen (>= 100, mis. 100 atau 120); kosong = "
        "tanpa batas (PermenPANRB 53/2014 tidak membatasi)",
    )
    capaian_dicetak: Literal["terbatas", "tanpa_batas"] = Field(
        "terbatas",
        description="capaian yang dicetak bila ada batas: terbatas (bawaan; nilai tanpa batas "
        "dicatat di sampingnya) atau tanpa_batas",
    )
    skala: str | None = Field(
        None,
        description="skala predikat bawaan: " + ", ".join(BAND_SCALES) + " (bila 'predikat' "
        "tidak diisi; bawaan: default)",
    )
    predikat: list[PitaPredikat] | None = Field(
        None,
        description="pita predikat unit sendiri, dari yang terendah; berapa pun jumlahnya",
        min_length=2,
    )
    batas_inklusif: bool = Field(
        True,
        description="true: capaian tepat di batas masuk pita di atasnya (>=); false: di bawahnya",
    )
    desimal: int = Field(2, description="jumlah angka desimal capaian yang dicetak", ge=0, le=4)
    tingkat: list[Tingkat] = Field(
        [Tingkat(kunci=k, nama=n) for k, n in TINGKAT_BAWAAN],
        description="tingkat pohon kinerja dari atas ke bawah dan namanya (K/L: program, "
        "kegiatan, kro, ro; Pemda: program, kegiatan, sub_kegiatan)",
        min_length=1,
    )

    @field_validator("cap")
    @classmethod
    def _cap(cls, value: float | None) -> float | None:
        return _check_cap(value)

    @field_validator("skala")
    @classmethod
    def _skala(cls, value: str | None) -> str | None:
        if value is not None and value not in BAND_SCALES:
            raise ValueError(f"skala tidak dikenal; pilihan: {', '.join(BAND_SCALES)}")
        return value

    @field_validator("predikat")
    @classmethod
    def _predikat(cls, pita: list[PitaPredikat] | None) -> list[PitaPredikat] | None:
        if pita is None:
            return None
        if pita[0].mulai is not None or any(p.mulai is None for p in pita[1:]):
            raise ValueError(
                "'mulai' kosong pada pita pertama (terendah) saja, terisi pada lainnya"
            )
        batas = [float(p.mulai or 0) for p in pita[1:]]
        if batas != sorted(set(batas)) or not all(math.isfinite(b) for b in batas):
            raise ValueError("'mulai' naik dari pita ke pita, tanpa angka yang sama")
        return pita

    @field_validator("tingkat")
    @classmethod
    def _tingkat(cls, tingkat: list[Tingkat]) -> list[Tingkat]:
        kunci = [t.kunci for t in tingkat]
        if len(set(kunci)) != len(kunci):
            raise ValueError("kunci tingkat muncul lebih dari sekali")
        return tingkat

    @model_validator(mode="after")
    def _one_scale(self) -> Pengaturan:
        if self.skala is not None and self.predikat is not None:
            raise ValueError(
                "isi 'skala' (skala bawaan) atau 'predikat' (pita sendiri), bukan dua-duanya"
            )
        return self


def pengaturan(laporan: Mapping[str, Any] | None) -> Pengaturan:
    """Return the validated ``pengaturan`` of a loaded laporan.yaml (defaults if none)."""
    given = (laporan or {}).get("pengaturan")
    if isinstance(given, Pengaturan):
        return given
    return Pengaturan.model_validate(given or {})


def band_scale(setting: Pengaturan) -> BandScale:
    """Return the predikat scale the data chooses: its own bands, a named one, the default."""
    if setting.predikat is None:
        return BAND_SCALES[setting.skala or "default"]
    return BandScale(
        nama="unit",
        batas=tuple(float(p.mulai) for p in setting.predikat[1:] if p.mulai is not None),
        label=tuple(p.label for p in setting.predikat),
        batas_inklusif=setting.batas_inklusif,
        sumber="pengaturan.predikat di laporan.yaml",
        warna=tuple(p.warna for p in setting.predikat),
    )


def parse_cap_flag(value: str | float | None) -> float | None | Literal[False]:
    """Read a ``--cap`` flag or ``cap`` parameter: False = not given, None = no cap, or a cap.

    Raises ``SettingsError`` (one line naming the flag) for anything else.
    """
    if value is None:
        return False
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in TANPA_BATAS:
            return None
        try:
            number = parse_angka(text)
        except ParseError as error:
            raise SettingsError(
                f"--cap {value}: {error.message}; isi angka >= 100 (mis. 100, 120) atau 'tanpa'"
            ) from None
    else:
        number = float(value)
    try:
        return _check_cap(number)
    except ValueError as error:
        raise SettingsError(f"--cap {value}: {error}") from None


def capaian_settings(
    laporan: Mapping[str, Any] | None,
    *,
    cap: str | float | None = None,
    skala: str | None = None,
) -> CapaianSettings:
    """Return how to compute and print capaian: the data's settings, then the run's flags.

    ``cap`` and ``skala`` are the command flags / notebook parameters; ``None`` keeps what
    laporan.yaml says. ``cap='tanpa'`` removes the data's cap for this run.
    """
    setting = pengaturan(laporan)
    if skala is not None and skala not in BAND_SCALES:
        raise SettingsError(f"--skala {skala}: tidak dikenal; pilihan: {', '.join(BAND_SCALES)}")
    flag = parse_cap_flag(cap)
    return CapaianSettings(
        cap=setting.cap if flag is False else flag,
        skala=BAND_SCALES[skala] if skala is not None else band_scale(setting),
        cetak=setting.capaian_dicetak,
        desimal=setting.desimal,
    )


def level_names(laporan: Mapping[str, Any] | None) -> dict[str, str]:
    """Name of each performance-tree level, top first (``{'program': 'Program', ...}``)."""
    return {t.kunci: t.nama for t in pengaturan(laporan).tingkat}
